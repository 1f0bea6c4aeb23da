/**
 * The field manager of one custom resource (managedfields' NewDefaultCRDFieldManager): the wrappers of
 * upstream's chain, in its order, over structured-merge-diff's Updater.
 *
 * - Update (create, update, patch, /status, /scale): the fields a write changed move to its manager, an
 *   entry per manager, operation, version and subresource; an object without managedFields that already
 *   exists stays untracked until its first apply (skipNonApplied); at most 10 update entries, the oldest
 *   merged into `ancient-changes` (capManagers); metadata the server owns is never recorded (stripMeta).
 * - Apply: the applied configuration is merged into the object by the schema's list and map types; fields
 *   the applier stops applying go unless another manager owns them; fields other managers own are
 *   conflicts unless forced. `kubectl` taking over an object from client-side apply has the fields its
 *   last-applied annotation lists forced (lastAppliedManager), and the annotation follows the apply.
 * - Status and spec are reset fields: the main resource never takes status, /status never takes spec, as
 *   apiextensions' strategies declare (GetResetFields) when the status subresource is on.
 */
import { newBadRequest, newInternalError, newUnknownError, StatusError } from '../../apimachinery/errors.js';
import { goMarshal } from '../../apimachinery/go-format.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import type { ResourceDefinition } from '../definitions/types.js';
import { compareObjects } from './compare.js';
import { newApplyConflict } from './conflict.js';
import {
  decodeManagedFields,
  emptyManaged,
  encodeManagedFields,
  isResetManagedFields,
  type Managed,
  managerIdentifier,
  nowTime,
  type VersionedSet,
} from './managed-fields.js';
import { FieldSetError, fieldsOf } from './object-fields.js';
import { type Atom, resourceAtom } from './schema-atoms.js';
import { stripMetaFields } from './strip-meta.js';
import { makePath } from './path.js';
import { newSet } from './set.js';
import { ConflictsError, type UpdaterContext, updaterApply, updaterUpdate } from './updater.js';
import type { Value } from './value.js';

const MAX_UPDATE_MANAGERS = 10;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** The managers managedFieldsUpdater and skipNonApplied work under before naming the real one. */
const CURRENT_OPERATION = 'current-operation';
const BEFORE_FIRST_APPLY = 'before-first-apply';

export class CustomResourceFieldManager {
  private readonly atoms = new Map<string, Atom>();
  private readonly contexts = new Map<string, UpdaterContext>();

  constructor(private readonly def: ResourceDefinition) {}

  /**
   * FieldManager.UpdateNoErrors: sets `obj`'s managedFields for a write of it over `live` (undefined on
   * create), in `version`. A failure keeps the live object's managedFields rather than failing the write.
   */
  update(version: string, live: KubeObject | undefined, obj: KubeObject, manager: string, subresource: string): void {
    const liveManaged = live?.metadata.managedFields;
    try {
      // A subresource never takes managedFields from its body; the main resource may reset or replace them.
      let managed: Managed;
      const given = obj.metadata.managedFields;
      if (subresource !== '') managed = decodeOr(liveManaged);
      else if (isResetManagedFields(given)) managed = emptyManaged();
      else {
        managed = decodeOr(given);
        if (managed.fields.size === 0) managed = decodeOr(liveManaged);
      }
      delete obj.metadata.managedFields;
      // skipNonApplied: an existing object nobody tracks stays untracked until it is applied.
      if (managed.fields.size === 0 && live?.metadata.uid) return;
      this.recordUpdate(version, live ?? this.zeroObject(version), obj, managed, manager, subresource);
      setManagedFields(obj, managed);
    } catch (err) {
      if (err instanceof StatusError) throw err;
      if (liveManaged) obj.metadata.managedFields = liveManaged;
      else delete obj.metadata.managedFields;
    }
  }

  /**
   * FieldManager.Apply: the object `config` makes of `live` (undefined when absent), with managedFields.
   * Conflicts are a 409; a config of another version or kind, or with managedFields, a 400.
   */
  apply(version: string, live: KubeObject | undefined, config: unknown, manager: string, subresource: string, force: boolean): KubeObject {
    if (!isPlainObject(config)) throw newBadRequest('error decoding patch: the applied configuration is not an object');
    const apiVersion = `${this.def.group}/${version}`;
    const liveObj: KubeObject = live ?? this.zeroObject(version);
    let managed: Managed;
    try {
      managed = decodeManagedFields(liveObj.metadata.managedFields ?? []);
    } catch (err) {
      throw newInternalError(`failed to decode managed fields: ${(err as Error).message}`);
    }
    const kind = typeof config.kind === 'string' ? config.kind : '';
    const configVersion = typeof config.apiVersion === 'string' ? config.apiVersion : '';
    if (configVersion !== apiVersion || kind !== this.def.names.kind) {
      throw newBadRequest(`invalid object type: ${goGroupVersionKind(configVersion, kind)}`);
    }
    const configMeta = isPlainObject(config.metadata) ? config.metadata : {};
    if (configMeta.managedFields !== undefined && configMeta.managedFields !== null) {
      throw newBadRequest('metadata.managedFields must be nil');
    }
    const cleanLive = withoutManagedFields(liveObj);
    const attempt = (forced: boolean): KubeObject => {
      const m = cloneManaged(managed);
      const base = cleanLive;
      // skipNonApplied: fields set before the first apply belong to a manager of their own.
      if (m.fields.size === 0) {
        this.recordUpdate(version, this.zeroObject(version), base, m, BEFORE_FIRST_APPLY, subresource);
      }
      const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Apply', subresource });
      const applied = this.applyConfig(version, base, config as KubeObject, m, id, subresource, forced);
      const object = applied ?? structuredClone(cleanLive);
      if (applied) m.times.set(id, nowTime());
      stripManager(m, id);
      if (manager === 'kubectl' && hasLastApplied(object)) setLastApplied(object, config);
      setManagedFields(object, m);
      return object;
    };
    try {
      return attempt(force);
    } catch (err) {
      if (err instanceof StatusError) throw err;
      // Upstream returns the typed conversion's and the updater's errors as they are: a 500 without reason.
      if (!(err instanceof ConflictsError)) throw newUnknownError(applyFailure(err, liveObj, apiVersion, this.def.names.kind));
      // lastAppliedManager: kubectl may take over what its client-side apply set, and only that.
      if (manager === 'kubectl') {
        const allowed = this.allowedFromLastApplied(version, cleanLive);
        if (allowed && err.conflicts.every((c) => allowed.has(c.path))) return attempt(true);
        if (allowed) throw newApplyConflict(err.conflicts.filter((c) => !allowed.has(c.path)));
      }
      throw newApplyConflict(err.conflicts);
    }
  }

  /** What `scope.Creater.New(kind)` gives upstream: the kind's zero value, the live object of a create. */
  private zeroObject(version: string): KubeObject {
    return {
      ...this.def.strategy?.zero?.(),
      apiVersion: `${this.def.group}/${version}`,
      kind: this.def.names.kind,
      metadata: {},
    } as KubeObject;
  }

  /** managedFieldsUpdater over stripMeta over the Updater's Update, for `manager`'s Update entry. */
  private recordUpdate(version: string, live: KubeObject | undefined, obj: KubeObject, m: Managed, manager: string, subresource: string) {
    const apiVersion = `${this.def.group}/${version}`;
    const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Update', apiVersion, subresource });
    const liveValue = (live ?? null) as unknown as Value;
    m.fields = updaterUpdate(liveValue, obj as unknown as Value, apiVersion, m.fields, CURRENT_OPERATION, this.context(subresource));
    stripManager(m, CURRENT_OPERATION);
    const current = m.fields.get(CURRENT_OPERATION);
    if (current) {
      m.fields.delete(CURRENT_OPERATION);
      const previous = m.fields.get(id);
      m.fields.set(id, previous ? { ...current, set: current.set.union(previous.set) } : current);
      // Upstream records /scale writes on the Scale object and maps them onto the parent's entries
      // (ScaleHandler.ToParent), which carries the fields and not the time.
      if (subresource !== 'scale') m.times.set(id, nowTime());
    }
    capUpdateManagers(m);
  }

  private applyConfig(version: string, live: KubeObject, config: KubeObject, m: Managed, id: string, subresource: string, force: boolean) {
    const apiVersion = `${this.def.group}/${version}`;
    const result = updaterApply(
      live as unknown as Value,
      config as unknown as Value,
      apiVersion,
      m.fields,
      id,
      force,
      this.context(subresource),
    );
    m.fields = new Map(result.managers);
    return result.object === undefined ? undefined : (result.object as unknown as KubeObject);
  }

  /**
   * The Updater of the main resource or a subresource. With a status subresource, status and spec are
   * reset fields (GetResetFields): the main resource never owns status, /status never owns spec.
   */
  private context(subresource: string): UpdaterContext {
    let ctx = this.contexts.get(subresource);
    if (ctx) return ctx;
    const ignoredFields = new Map<string, ReturnType<typeof newSet>>();
    const reset = subresource === 'status' ? 'spec' : subresource === '' ? 'status' : undefined;
    for (const v of this.def.versions) {
      if (v.subresources.status && reset) ignoredFields.set(`${this.def.group}/${v.name}`, newSet(makePath(reset)));
    }
    ctx = {
      atomFor: (apiVersion) => this.atomFor(apiVersion),
      convert: (obj, apiVersion) => {
        const name = apiVersion.slice(apiVersion.indexOf('/') + 1);
        if (!this.def.versions.some((v) => v.name === name)) return undefined;
        return this.def.convert(obj as unknown as KubeObject, name) as unknown as Value;
      },
      ignoredFields,
    };
    this.contexts.set(subresource, ctx);
    return ctx;
  }

  private atomFor(apiVersion: string): Atom {
    const name = apiVersion.slice(apiVersion.indexOf('/') + 1);
    let atom = this.atoms.get(name);
    if (!atom) {
      const v = this.def.versions.find((x) => x.name === name);
      if (!v) throw new Error(`no version ${apiVersion}`);
      atom = resourceAtom(v.schema);
      this.atoms.set(name, atom);
    }
    return atom;
  }

  /** The fields kubectl's last client-side apply set and the object still has as it set them. */
  private allowedFromLastApplied(version: string, live: KubeObject) {
    const text = live.metadata.annotations?.[LAST_APPLIED];
    if (!text) return undefined;
    let last: unknown;
    try {
      last = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!isPlainObject(last) || last.apiVersion !== `${this.def.group}/${version}`) return undefined;
    try {
      const atom = this.atomFor(`${this.def.group}/${version}`);
      const cmp = compareObjects(last as Value, live as unknown as Value, atom);
      return fieldsOf(last as Value, this.def.versions.find((x) => x.name === version)?.schema)
        .difference(cmp.modified)
        .difference(cmp.added)
        .difference(cmp.removed);
    } catch {
      return undefined;
    }
  }
}

function decodeOr(entries: KubeObject['metadata']['managedFields']): Managed {
  try {
    return decodeManagedFields(entries ?? []);
  } catch {
    return emptyManaged();
  }
}

function cloneManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) };
}

/** A shallow copy: the updater builds new values and never changes the ones it is given. */
function withoutManagedFields(obj: KubeObject): KubeObject {
  const { managedFields: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function setManagedFields(obj: KubeObject, m: Managed): void {
  const entries = encodeManagedFields(m);
  if (entries) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

/** stripMetaManager: server-owned metadata is no one's; a manager left with nothing is dropped. */
function stripManager(m: Managed, id: string): void {
  const vs = m.fields.get(id);
  if (!vs) return;
  const set = stripMetaFields(vs.set);
  if (set.empty()) m.fields.delete(id);
  else m.fields.set(id, { ...vs, set });
}

/** capManagersManager: the oldest update entries beyond ten merge, per version, into `ancient-changes`. */
function capUpdateManagers(m: Managed): void {
  const updaters = [...m.fields.entries()].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  const seconds = (id: string) => {
    const t = m.times.get(id);
    return t ? Math.floor(Date.parse(t) / 1000) : 0;
  };
  updaters.sort((a, b) => seconds(a) - seconds(b) || (a < b ? -1 : a > b ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i] as string;
    const vs = m.fields.get(id) as VersionedSet;
    const time = m.times.get(id);
    const bucket = managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstOfVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!m.fields.has(bucket)) {
      const s = m.fields.get(first) as VersionedSet;
      m.fields.delete(first);
      m.fields.set(bucket, s);
    }
    m.fields.set(bucket, { set: vs.set.union((m.fields.get(bucket) as VersionedSet).set), apiVersion: vs.apiVersion, applied: vs.applied });
    m.fields.delete(id);
    length--;
    m.times.set(bucket, time);
  }
}

function hasLastApplied(obj: KubeObject): boolean {
  return Boolean(obj.metadata.annotations?.[LAST_APPLIED]);
}

/** lastAppliedUpdater: the annotation becomes the applied configuration, without the annotation itself. */
function setLastApplied(obj: KubeObject, config: Record<string, unknown>): void {
  const copy = structuredClone(config) as KubeObject;
  if (copy.metadata?.annotations) {
    delete copy.metadata.annotations[LAST_APPLIED];
    if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  }
  // runtime.Encode of an Unstructured: Go's JSON (keys sorted) and the encoder's newline, as kubectl writes it.
  obj.metadata.annotations = { ...obj.metadata.annotations, [LAST_APPLIED]: `${goMarshal(copy)}\n` };
}

/** The error text upstream's structuredMergeManager wraps a typed conversion failure in. */
function applyFailure(err: unknown, live: KubeObject, apiVersion: string, kind: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const who = `${live.metadata.namespace ?? ''}/${live.metadata.name ?? ''}; ${goGroupVersionKind(apiVersion, kind)}`;
  return err instanceof FieldSetError ? `failed to create typed patch object (${who}): ${message}` : message;
}

/** A GroupVersionKind as Go prints it: `group/version, Kind=kind`. */
function goGroupVersionKind(apiVersion: string, kind: string): string {
  return `${apiVersion}, Kind=${kind}`;
}
