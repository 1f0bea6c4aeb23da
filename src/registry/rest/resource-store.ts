/**
 * The generic REST store of one custom resource (k8s.io/apiserver's `registry/generic/registry.Store`):
 * every verb (get, list, watch, create, update, patch, delete, deletecollection) over the storage contract,
 * converting between the URL's version and the storage version. Handlers reach storage only through it.
 *
 * Every write runs upstream's sequence: decode -> default -> field manager -> mutating admission -> strategy
 * prepare -> validate -> validating admission -> storage.
 */
import type { AdmissionChain } from '../../admission/chain.js';
import { mergeObjects } from '../fieldmanager/merge.js';
import { resourceAtom } from '../fieldmanager/schema-atoms.js';
import type { Value } from '../fieldmanager/value.js';
import { NO_ADMISSION } from '../../admission/chain.js';
import type { Attributes, Operation } from '../../admission/interfaces.js';
import {
  isAlreadyExists,
  isNotFound,
  newAlreadyExists,
  newBadRequest,
  newConflict,
  newInvalid,
  OPTIMISTIC_LOCK_ERROR_MSG,
} from '../../apimachinery/errors.js';
import { invalid } from '../../apimachinery/field.js';
import type { DeleteOptions } from '../../apimachinery/options.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { UserInfo } from '../../authentication/user.js';
import type { Storage } from '../../storage/interfaces.js';
import type { ResourceDefinition } from '../definitions/types.js';
import { objectKey } from '../keys.js';
import { generateName } from '../metadata/generate-name.js';
import { goMarshal } from '../../apimachinery/go-format.js';
import { applyDefaults } from '../schema/defaults.js';
import { withStatusErrors } from '../storage-errors.js';
import { DecodingError, decodeObject } from './decode.js';
import { checkStoragePreconditions, deleteObject, type DeleteResult } from './delete.js';
import { CustomResourceFieldManager } from '../fieldmanager/field-manager.js';
import type { FieldManager } from './field-manager.js';
import { type ListOutcome, type ListParams, listObjects } from './list.js';
import type { ResourceScope, WriteOptions } from './scope.js';
import { prepareForCreate, prepareForUpdate, validateCreate, validateUpdate } from './strategy.js';
import { type ObjectWatch, startWatch, type WatchParams } from './watch.js';

const MAX_GENERATE_NAME_ATTEMPTS = 8;

/** Computes the new object of a patch from the current one (in the URL's version). */
export type PatchFunction = (current: KubeObject) => unknown;

export class ResourceStore {
  constructor(
    readonly def: ResourceDefinition,
    readonly storage: Storage,
    private readonly admission: AdmissionChain = NO_ADMISSION,
    private readonly fieldManager: FieldManager = new CustomResourceFieldManager(def),
  ) {}

  /** An object from storage, in the version the client asked for. */
  toVersion(stored: KubeObject, version: string): KubeObject {
    return this.def.convert(stored, version);
  }

  /**
   * An object as stored: in the storage version, with that version's defaults, which kube-apiserver applies
   * whenever it decodes from storage (so a field defaulted only in the storage version shows in every version).
   */
  toStorage(obj: KubeObject): KubeObject {
    const stored = this.def.convert(obj, this.def.storageVersion);
    if (obj.apiVersion !== stored.apiVersion) {
      const version = this.def.versions.find((v) => v.name === this.def.storageVersion);
      if (version?.schema) applyDefaults(stored, version.schema);
      this.def.strategy?.default?.(stored, this.def.storageVersion);
    }
    return stored;
  }

  key(namespace: string, name: string): string {
    return objectKey(this.def, namespace, name);
  }

  async get(scope: ResourceScope, namespace: string, name: string): Promise<KubeObject> {
    const stored = await withStatusErrors(scope.gr, name, () => this.storage.get(this.key(namespace, name)));
    return this.toVersion(stored, scope.version.name);
  }

  /** The object's stored JSON text when `scope` is the storage version (nothing to convert), else undefined. */
  async getRaw(scope: ResourceScope, namespace: string, name: string): Promise<string | undefined> {
    if (scope.version.name !== this.def.storageVersion) return undefined;
    return withStatusErrors(scope.gr, name, () => this.storage.getRaw(this.key(namespace, name)));
  }

  async list(scope: ResourceScope, params: ListParams): Promise<ListOutcome> {
    return listObjects(this, scope, params);
  }

  async watch(scope: ResourceScope, params: WatchParams): Promise<ObjectWatch> {
    return startWatch(this, scope, params);
  }

  async create(scope: ResourceScope, namespace: string, body: unknown, opts: WriteOptions): Promise<KubeObject> {
    const obj = decodeObject(body, scope, opts);
    checkNamespace(obj, scope, namespace);
    this.fieldManager.update(scope.version.name, undefined, obj, opts.fieldManager, '');
    return this.createDecoded(scope, namespace, obj, opts);
  }

  /** Create from a decoded object whose managedFields are set: admission, strategy, validation, storage. */
  private async createDecoded(scope: ResourceScope, namespace: string, decoded: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const admitted = attributes('CREATE', scope, namespace, '', decoded, undefined, opts);
    await this.admission.admit(admitted);
    // A mutating plugin may have replaced the object (a webhook's patch).
    const obj = admitted.object as KubeObject;
    const generated = !obj.metadata.name && Boolean(obj.metadata.generateName);
    prepareForCreate(obj, scope, namespace);
    validateCreate(obj, scope);
    await this.admission.validate(attributes('CREATE', scope, namespace, '', obj, undefined, opts));
    // A generated name that is taken is generated again, as kube-apiserver does (RetryGenerateName).
    for (let attempt = 1; ; attempt++) {
      const name = obj.metadata.name as string;
      const key = this.key(namespace, name);
      try {
        if (opts.dryRun) {
          if (
            await this.storage.get(key).then(
              () => true,
              () => false,
            )
          )
            throw newAlreadyExists(scope.gr, name);
          return obj;
        }
        const stored = await withStatusErrors(scope.gr, name, () => this.storage.create(key, this.toStorage(obj)));
        return this.toVersion(stored, scope.version.name);
      } catch (err) {
        if (!generated || !isAlreadyExists(err) || attempt >= MAX_GENERATE_NAME_ATTEMPTS) throw err;
        obj.metadata.name = generateName(obj.metadata.generateName as string);
      }
    }
  }

  /** PUT of the object or its /status. Custom resources never create on update. */
  async update(
    scope: ResourceScope,
    namespace: string,
    name: string,
    body: unknown,
    subresource: string,
    opts: WriteOptions,
  ): Promise<KubeObject> {
    const obj = decodeObject(body, scope, opts);
    checkNamespace(obj, scope, namespace);
    if (obj.metadata.name !== name) {
      throw newBadRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${name})`);
    }
    // A PUT that names a uid may only replace that object (`defaultUpdatedObjectInfo.Preconditions`).
    const preconditions = obj.metadata.uid ? { uid: obj.metadata.uid } : undefined;
    return this.guaranteedUpdate(
      scope,
      namespace,
      name,
      subresource,
      opts,
      (current) => this.managed(scope, current, structuredClone(obj), opts, subresource),
      preconditions,
    );
  }

  /** The Update operation's managedFields on `obj`, a write over `current`. */
  private managed(scope: ResourceScope, current: KubeObject, obj: KubeObject, opts: WriteOptions, subresource: string): KubeObject {
    this.fieldManager.update(scope.version.name, current, obj, opts.fieldManager, subresource);
    return obj;
  }

  /**
   * Server-side apply (`PATCH` with `application/apply-patch+yaml`): the configuration is merged into the
   * object by the field manager, then written as any patch is; an absent object is created from it (the
   * main resource only; /status of nothing is a 404). `yamlStrictError` is what a strict YAML decoder said
   * of the body, an error under fieldValidation=Strict and a warning under Warn, once the apply succeeded.
   */
  async apply(
    scope: ResourceScope,
    namespace: string,
    name: string,
    subresource: string,
    config: unknown,
    opts: WriteOptions,
    yamlStrictError?: string,
  ): Promise<{ object: KubeObject; created: boolean }> {
    const merged = (current: KubeObject | undefined): KubeObject => {
      const applied = this.fieldManager.apply(scope.version.name, current, config, opts.fieldManager, subresource, opts.force === true);
      if (yamlStrictError && opts.fieldValidation === 'Strict') throw newBadRequest(`error strict decoding patch: ${yamlStrictError}`);
      if (yamlStrictError && opts.fieldValidation === 'Warn' && !opts.warnings.includes(yamlStrictError))
        opts.warnings.push(yamlStrictError);
      const obj = decodePatched(applied, scope, opts);
      checkNamespace(obj, scope, namespace);
      if (!current && obj.metadata.uid) {
        throw newConflict(
          scope.gr,
          name,
          `uid mismatch: the provided object specified uid ${obj.metadata.uid}, and no existing object was found`,
        );
      }
      if (obj.metadata.name !== name) {
        throw newBadRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${name})`);
      }
      return obj;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const object = await this.guaranteedUpdate(scope, namespace, name, subresource, opts, merged);
        return { object, created: false };
      } catch (err) {
        if (!isNotFound(err) || subresource !== '') throw err;
      }
      try {
        return { object: await this.createDecoded(scope, namespace, merged(undefined), opts), created: true };
      } catch (err) {
        // Created by someone else meanwhile: apply to theirs, as GuaranteedUpdate would retry.
        if (!isAlreadyExists(err) || attempt >= 3) throw err;
      }
    }
  }

  async patch(
    scope: ResourceScope,
    namespace: string,
    name: string,
    subresource: string,
    patch: PatchFunction,
    opts: WriteOptions,
    /** The patch function sets managedFields itself (an apply through /scale): no Update entry. */
    managedByPatch = false,
  ): Promise<KubeObject> {
    return this.guaranteedUpdate(scope, namespace, name, subresource, opts, (current) => {
      const obj = decodePatched(patch(structuredClone(current)), scope, opts);
      checkNamespace(obj, scope, namespace);
      if (obj.metadata.name !== name) {
        throw newBadRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${name})`);
      }
      return managedByPatch ? obj : this.managed(scope, current, obj, opts, subresource);
    });
  }

  async delete(
    scope: ResourceScope,
    namespace: string,
    name: string,
    options: DeleteOptions,
    ctx: AdmissionContext = {},
  ): Promise<DeleteResult> {
    const dryRun = (options.dryRun ?? []).length > 0;
    return deleteObject(this, scope, namespace, name, options, (current) =>
      this.admission.validate(attributes('DELETE', scope, namespace, '', undefined, current, { ...ctx, dryRun, deleteOptions: options })),
    );
  }

  /**
   * Deletes every object the list selects, one by one with the same options (`Store.DeleteCollection`), and
   * returns the list as it was read. An object gone meanwhile was deleted by someone else, as was asked.
   */
  async deleteCollection(
    scope: ResourceScope,
    options: DeleteOptions,
    params: ListParams,
    ctx: AdmissionContext = {},
  ): Promise<ListOutcome> {
    const listed = await this.list(scope, { ...params, raw: false });
    for (const item of listed.items) {
      try {
        await this.delete(scope, item.metadata.namespace ?? '', item.metadata.name ?? '', options, ctx);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return listed;
  }

  /**
   * Reads the current object, derives the new one, checks the resourceVersion precondition the new object
   * carries, applies the strategy and writes; all inside storage's atomic update. An object being deleted
   * whose last finalizer goes is deleted at once, as the generic store does.
   */
  private async guaranteedUpdate(
    scope: ResourceScope,
    namespace: string,
    name: string,
    subresource: string,
    opts: WriteOptions,
    next: (current: KubeObject) => KubeObject,
    preconditions?: { uid: string },
  ): Promise<KubeObject> {
    const key = this.key(namespace, name);
    const derive = async (stored: KubeObject): Promise<KubeObject> => {
      checkStoragePreconditions(stored, preconditions, scope, key);
      const current = this.toVersion(stored, scope.version.name);
      const admitted = attributes('UPDATE', scope, namespace, subresource, next(current), current, opts);
      await this.admission.admit(admitted);
      const obj = admitted.object as KubeObject;
      const wanted = obj.metadata.resourceVersion;
      // Custom resources never allow an unconditional update (`AllowUnconditionalUpdate` is false).
      if (!wanted) {
        throw newInvalid({ group: scope.gr.group, kind: scope.gr.resource }, name, [
          invalid('metadata.resourceVersion', 0, 'must be specified for an update'),
        ]);
      }
      if (wanted !== current.metadata.resourceVersion) {
        throw newConflict(scope.gr, name, OPTIMISTIC_LOCK_ERROR_MSG);
      }
      obj.metadata.resourceVersion = current.metadata.resourceVersion;
      const updated = prepareForUpdate(obj, current, scope, subresource);
      validateUpdate(updated, current, scope, opts.warnings);
      await this.admission.validate(attributes('UPDATE', scope, namespace, subresource, updated, current, opts));
      return updated;
    };
    if (opts.dryRun) {
      const stored = await withStatusErrors(scope.gr, name, () => this.storage.get(key));
      return derive(stored);
    }
    const stored = await withStatusErrors(scope.gr, name, () => this.storage.update(key, async (cur) => this.toStorage(await derive(cur))));
    if (stored.metadata.deletionTimestamp && (stored.metadata.finalizers ?? []).length === 0) {
      const deleted = await withStatusErrors(scope.gr, name, () =>
        this.storage.delete(key, (cur) => {
          if (cur.metadata.resourceVersion !== stored.metadata.resourceVersion) {
            throw newConflict(scope.gr, name, OPTIMISTIC_LOCK_ERROR_MSG);
          }
        }),
      ).catch((err: unknown) => {
        // Someone else finished the delete first: the object is gone either way.
        if (isNotFound(err)) return stored;
        throw err;
      });
      return this.toVersion(deleted, scope.version.name);
    }
    return this.toVersion(stored, scope.version.name);
  }
}

/** A patched or applied document decoded as a body; what does not decode is a 422 on the patched object, as upstream's patcher reports it. */
function decodePatched(patched: unknown, scope: ResourceScope, opts: WriteOptions): KubeObject {
  try {
    return decodeObject(patched, scope, opts);
  } catch (err) {
    if (!(err instanceof DecodingError)) throw err;
    throw newInvalid({ group: '', kind: '' }, '', [invalid('patch', goMarshal(patched), err.detail)]);
  }
}

/** What admission learns of the request beside the object: who asks, and where its warnings and annotations go. */
export interface AdmissionContext {
  user?: UserInfo;
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

/**
 * The admission attributes of a write on this resource, in the URL's version: with the request's options as
 * AdmissionReview shows them (a patch is offered as the update or create it makes, as upstream does), the
 * resource's other served versions, and the decoder a mutating plugin's rewritten object goes through.
 */
function attributes(
  operation: Operation,
  scope: ResourceScope,
  namespace: string,
  subresource: string,
  object: KubeObject | undefined,
  oldObject: KubeObject | undefined,
  opts: AdmissionContext & { dryRun: boolean; fieldManager?: string; fieldValidation?: string; deleteOptions?: DeleteOptions },
): Attributes {
  const def = scope.def;
  const served = def.versions.filter((v) => v.served);
  return {
    operation,
    kind: { group: def.group, version: scope.version.name, kind: def.names.kind },
    resource: { group: def.group, version: scope.version.name, resource: def.names.plural },
    subresource,
    namespace: def.scope === 'Namespaced' ? namespace : '',
    name: object?.metadata.name ?? oldObject?.metadata.name ?? '',
    object,
    oldObject,
    dryRun: opts.dryRun,
    userInfo: opts.user,
    options: operationOptions(operation, opts),
    warnings: opts.warnings,
    auditAnnotations: opts.auditAnnotations,
    equivalents:
      served.length > 1
        ? { versions: served.map((v) => ({ version: v.name, kind: def.names.kind })), convert: (obj, version) => def.convert(obj, version) }
        : undefined,
    normalize: (obj) =>
      decodeObject(obj, scope, { dryRun: opts.dryRun, fieldValidation: 'Ignore', warnings: [], strictErrors: [], fieldManager: '' }),
    applyConfiguration: (obj, configuration) =>
      mergeObjects(obj as unknown as Value, configuration as Value, resourceAtom(scope.version.schema)) as unknown as KubeObject,
  };
}

/** The options AdmissionReview carries: CreateOptions, UpdateOptions or DeleteOptions, as JSON. */
function operationOptions(
  operation: Operation,
  opts: { dryRun: boolean; fieldManager?: string; fieldValidation?: string; deleteOptions?: DeleteOptions },
): Record<string, unknown> {
  if (operation === 'DELETE') return { ...opts.deleteOptions, apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions' };
  return {
    apiVersion: 'meta.k8s.io/v1',
    kind: operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions',
    ...(opts.dryRun ? { dryRun: ['All'] } : {}),
    ...(opts.fieldManager ? { fieldManager: opts.fieldManager } : {}),
    ...(opts.fieldValidation ? { fieldValidation: opts.fieldValidation } : {}),
  };
}

/** The body's namespace must be the URL's (or empty); cluster-scoped objects have none. */
function checkNamespace(obj: KubeObject, scope: ResourceScope, namespace: string): void {
  if (scope.def.scope !== 'Namespaced') {
    delete obj.metadata.namespace;
    return;
  }
  const given = obj.metadata.namespace;
  if (given && given !== namespace) {
    throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.namespace = namespace;
}
