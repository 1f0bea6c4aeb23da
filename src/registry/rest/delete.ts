/**
 * Delete as the generic store does it for custom resources (`Store.Delete`, `rest.BeforeDelete`,
 * `deletionFinalizersForGarbageCollection`): preconditions first; then the garbage collector's finalizers
 * as the propagation policy asks (`orphan` for Orphan, `foregroundDeletion` for Foreground, neither for
 * Background; without a policy, a finalizer the object already carries decides); an object left with
 * finalizers is only marked (deletionTimestamp, grace period 0, generation + 1) and goes when its last
 * finalizer is removed; one without is removed at once. A dry run computes the same answer and writes nothing.
 */
import { newConflict } from '../../apimachinery/errors.js';
import type { DeleteOptions, Preconditions } from '../../apimachinery/options.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { withStatusErrors } from '../storage-errors.js';
import type { ResourceScope, StoreTarget } from './scope.js';
import { now } from './strategy.js';

/** The garbage collector's finalizers (`metav1.FinalizerOrphanDependents`, `FinalizerDeleteDependents`). */
export const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';

export interface DeleteResult {
  /** The object as deleted, or as marked for deletion. */
  object: KubeObject;
  /** False when finalizers keep the object for now. */
  deleted: boolean;
}

const finalizersOf = (obj: KubeObject): string[] => obj.metadata.finalizers ?? [];
const hasFinalizers = (obj: KubeObject): boolean => finalizersOf(obj).length > 0;

/** `rest.BeforeDelete`'s early precondition check: a conflict on the kind (not the resource), as upstream. */
function checkPreconditions(obj: KubeObject, pre: Preconditions | undefined, scope: ResourceScope): void {
  const kind = { group: scope.def.group, resource: scope.def.names.kind };
  const name = obj.metadata.name ?? '';
  if (pre?.uid !== undefined && pre.uid !== obj.metadata.uid) {
    throw newConflict(
      kind,
      name,
      `the UID in the precondition (${pre.uid}) does not match the UID in record (${obj.metadata.uid ?? ''}). The object might have been deleted and then recreated`,
    );
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw newConflict(
      kind,
      name,
      `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${obj.metadata.resourceVersion ?? ''}). The object might have been modified`,
    );
  }
}

/** Storage's own precondition check inside the atomic write (`storage.Preconditions.Check`). */
export function checkStoragePreconditions(obj: KubeObject, pre: Preconditions | undefined, scope: ResourceScope, key: string): void {
  const fail = (what: string, wanted: string, got: string | undefined): never => {
    throw newConflict(
      scope.gr,
      obj.metadata.name ?? '',
      `StorageError: invalid object, Code: 4, Key: /registry${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: ${what} in precondition: ${wanted}, ${what} in object meta: ${got ?? ''}`,
    );
  };
  if (pre?.uid !== undefined && pre.uid !== obj.metadata.uid) fail('UID', pre.uid, obj.metadata.uid);
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion) {
    fail('ResourceVersion', pre.resourceVersion, obj.metadata.resourceVersion);
  }
}

/** `shouldOrphanDependents`: options first, then the object's own finalizers; custom resources default to Background. */
function shouldOrphanDependents(obj: KubeObject, o: DeleteOptions): boolean {
  if (o.orphanDependents !== undefined) return o.orphanDependents;
  if (o.propagationPolicy === 'Orphan') return true;
  if (o.propagationPolicy === 'Background' || o.propagationPolicy === 'Foreground') return false;
  for (const f of finalizersOf(obj)) {
    if (f === FINALIZER_ORPHAN_DEPENDENTS) return true;
    if (f === FINALIZER_DELETE_DEPENDENTS) return false;
  }
  return false;
}

function shouldDeleteDependentsInForeground(obj: KubeObject, o: DeleteOptions): boolean {
  if (o.orphanDependents !== undefined) return false;
  if (o.propagationPolicy === 'Foreground') return true;
  if (o.propagationPolicy === 'Background' || o.propagationPolicy === 'Orphan') return false;
  for (const f of finalizersOf(obj)) {
    if (f === FINALIZER_DELETE_DEPENDENTS) return true;
    if (f === FINALIZER_ORPHAN_DEPENDENTS) return false;
  }
  return false;
}

/** The finalizers the object should carry for this delete, and whether that differs from what it has. */
export function deletionFinalizers(obj: KubeObject, o: DeleteOptions): { changed: boolean; finalizers: string[] } {
  const current = finalizersOf(obj);
  const next = current.filter((f) => f !== FINALIZER_ORPHAN_DEPENDENTS && f !== FINALIZER_DELETE_DEPENDENTS);
  if (shouldOrphanDependents(obj, o)) next.push(FINALIZER_ORPHAN_DEPENDENTS);
  if (shouldDeleteDependentsInForeground(obj, o)) next.push(FINALIZER_DELETE_DEPENDENTS);
  const same = new Set(current).size === new Set(next).size && next.every((f) => current.includes(f));
  return same ? { changed: false, finalizers: current } : { changed: true, finalizers: next };
}

/** `markAsDeleting`: the first mark moves generation, as a graceful deletion would. */
function markAsDeleting(obj: KubeObject): void {
  const meta = obj.metadata;
  if (!meta.deletionTimestamp) {
    if ((meta.generation ?? 0) > 0) meta.generation = (meta.generation ?? 0) + 1;
    meta.deletionTimestamp = now();
  }
  meta.deletionGracePeriodSeconds = 0;
}

/** Thrown inside the marking update when no finalizer is left: the object is deleted instead. */
const DELETE_NOW = Symbol('delete now');
/** Thrown when a finalizer appeared between the read and the delete: the delete starts over. */
const RETRY = Symbol('retry');

/** `validateDeletion` is validating admission: it sees the object as stored and may refuse the delete. */
export async function deleteObject(
  store: StoreTarget,
  scope: ResourceScope,
  namespace: string,
  name: string,
  options: DeleteOptions,
  validateDeletion: (current: KubeObject) => Promise<void>,
): Promise<DeleteResult> {
  const key = store.key(namespace, name);
  const dryRun = (options.dryRun ?? []).length > 0;
  const version = scope.version.name;
  for (let attempt = 0; ; attempt++) {
    const current = await withStatusErrors(scope.gr, name, () => store.storage.get(key));
    checkPreconditions(current, options.preconditions, scope);
    await validateDeletion(store.toVersion(current, version));
    const mark = (cur: KubeObject): KubeObject => {
      checkStoragePreconditions(cur, options.preconditions, scope, key);
      const next = structuredClone(cur);
      const gc = deletionFinalizers(next, options);
      if (gc.changed) {
        if (gc.finalizers.length > 0) next.metadata.finalizers = gc.finalizers;
        else delete next.metadata.finalizers;
      }
      if (!hasFinalizers(next)) throw DELETE_NOW;
      markAsDeleting(next);
      return next;
    };
    try {
      if (hasFinalizers(current) || deletionFinalizers(current, options).changed) {
        try {
          const marked = dryRun ? mark(current) : await withStatusErrors(scope.gr, name, () => store.storage.update(key, mark));
          return { object: store.toVersion(marked, version), deleted: false };
        } catch (err) {
          if (err !== DELETE_NOW) throw err;
        }
      }
      if (dryRun) return { object: store.toVersion(current, version), deleted: true };
      const deleted = await withStatusErrors(scope.gr, name, () =>
        store.storage.delete(key, (cur) => {
          checkStoragePreconditions(cur, options.preconditions, scope, key);
          if (deletionFinalizers(cur, options).finalizers.length > 0) throw RETRY;
        }),
      );
      return { object: store.toVersion(deleted, version), deleted: true };
    } catch (err) {
      if (err !== RETRY || attempt >= 5)
        throw err === RETRY ? newConflict(scope.gr, name, 'the object keeps changing; please try again') : err;
    }
  }
}
