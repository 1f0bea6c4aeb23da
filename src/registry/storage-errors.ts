/** Turns storage errors into the Status errors kube-apiserver gives (`storage/errors` interpretations). */
import {
  type GroupResource,
  OPTIMISTIC_LOCK_ERROR_MSG,
  newAlreadyExists,
  newConflict,
  newNotFound,
  newResourceExpired,
  newServiceUnavailable,
  StatusError,
} from '../apimachinery/errors.js';
import { StorageError } from '../storage/interfaces.js';

export function interpretStorageError(err: unknown, gr: GroupResource, name: string): unknown {
  if (!(err instanceof StorageError)) return err;
  switch (err.code) {
    case 'NotFound':
      return newNotFound(gr, name);
    case 'AlreadyExists':
      return newAlreadyExists(gr, name);
    case 'Conflict':
      return newConflict(gr, name, OPTIMISTIC_LOCK_ERROR_MSG);
    case 'Expired':
      return newResourceExpired('The resourceVersion for the provided list is too old.');
    case 'Unavailable':
      return newServiceUnavailable(err.message);
  }
}

/**
 * The errors a storage call ended in that are failures of the store, not answers about objects (NotFound,
 * Conflict, ...): Unavailable, and anything unexpected. Marked so that the metrics can count them.
 */
const failures = new WeakSet<object>();

export function isStorageFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && failures.has(err);
}

/** Runs a storage call and rethrows its errors as Status errors. */
export async function withStatusErrors<T>(gr: GroupResource, name: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof StatusError) throw err;
    const interpreted = interpretStorageError(err, gr, name);
    if ((!(err instanceof StorageError) || err.code === 'Unavailable') && typeof interpreted === 'object' && interpreted !== null) {
      failures.add(interpreted);
    }
    throw interpreted;
  }
}
