/**
 * Delete with finalizers and preconditions (the generic store's `Delete`): an object with finalizers is only
 * marked (deletionTimestamp, grace period 0) and goes when its last finalizer is removed; one without is
 * removed at once. Preconditions on uid and resourceVersion fail with 409 as upstream.
 */
import { newConflict } from '../../apimachinery/errors.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import { withStatusErrors } from '../storage-errors.js';
import type { ResourceStore } from './resource-store.js';
import type { ResourceScope } from './scope.js';
import { now } from './strategy.js';

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface DeleteResult {
  /** The object as deleted, or as marked for deletion. */
  object: KubeObject;
  /** False when finalizers keep the object for now. */
  deleted: boolean;
}

/** Reads `preconditions` from a DeleteOptions body (any other field is accepted and has no effect here). */
export function preconditionsFrom(body: unknown): Preconditions {
  if (!isPlainObject(body) || !isPlainObject(body.preconditions)) return {};
  const { uid, resourceVersion } = body.preconditions;
  return {
    uid: typeof uid === 'string' ? uid : undefined,
    resourceVersion: typeof resourceVersion === 'string' ? resourceVersion : undefined,
  };
}

function checkPreconditions(obj: KubeObject, pre: Preconditions, scope: ResourceScope, name: string): void {
  if (pre.uid !== undefined && pre.uid !== obj.metadata.uid) {
    throw newConflict(scope.gr, name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw newConflict(scope.gr, name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`);
  }
}

const hasFinalizers = (obj: KubeObject): boolean => (obj.metadata.finalizers ?? []).length > 0;

/** Thrown inside a storage callback when the object changed shape under us; the delete is tried again. */
class Retry extends Error {}

export async function deleteObject(store: ResourceStore, scope: ResourceScope, namespace: string, name: string,
  pre: Preconditions, dryRun: boolean): Promise<DeleteResult> {
  const key = store.key(namespace, name);
  for (let attempt = 0; ; attempt++) {
    const current = await withStatusErrors(scope.gr, name, () => store.storage.get(key));
    checkPreconditions(current, pre, scope, name);
    if (dryRun) {
      return hasFinalizers(current)
        ? { object: store.toVersion(markDeleting(current), scope.version.name), deleted: false }
        : { object: store.toVersion(current, scope.version.name), deleted: true };
    }
    try {
      if (hasFinalizers(current)) {
        const marked = await withStatusErrors(scope.gr, name, () => store.storage.update(key, (cur) => {
          checkPreconditions(cur, pre, scope, name);
          if (!hasFinalizers(cur)) throw new Retry();
          return markDeleting(cur);
        }));
        return { object: store.toVersion(marked, scope.version.name), deleted: false };
      }
      const deleted = await withStatusErrors(scope.gr, name, () => store.storage.delete(key, (cur) => {
        checkPreconditions(cur, pre, scope, name);
        if (hasFinalizers(cur)) throw new Retry();
      }));
      return { object: store.toVersion(deleted, scope.version.name), deleted: true };
    } catch (err) {
      if (!(err instanceof Retry) || attempt >= 5) throw err;
    }
  }
}

function markDeleting(obj: KubeObject): KubeObject {
  if (obj.metadata.deletionTimestamp) return obj;
  const next = structuredClone(obj);
  next.metadata.deletionTimestamp = now();
  next.metadata.deletionGracePeriodSeconds = 0;
  return next;
}
