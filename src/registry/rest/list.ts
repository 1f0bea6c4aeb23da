/**
 * Lists with kube-apiserver's resourceVersion semantics (unset: most recent; "0": any; N with
 * resourceVersionMatch Exact or NotOlderThan) and paging with continue tokens over a consistent snapshot.
 */
import { newBadRequest, newResourceExpired, newTimeout } from '../../apimachinery/errors.js';
import { newInvalidOptions, validateListOptions } from '../../apimachinery/options.js';
import type { KubeObject, ListMeta } from '../../apimachinery/types.js';
import { StorageError, type Predicate } from '../../storage/interfaces.js';
import { listPrefix } from '../keys.js';
import { withStatusErrors } from '../storage-errors.js';
import { CONTINUE_EXPIRED_MESSAGE, decodeContinue, encodeContinue } from './continue-token.js';
import type { ResourceStore } from './resource-store.js';
import type { ResourceScope } from './scope.js';

export interface ListParams {
  namespace: string;
  predicate?: Predicate;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  /** Only to be refused: sendInitialEvents is for watches. */
  sendInitialEvents?: boolean;
  /** Ask for the stored JSON text of the items (`rawItems`) when they need no conversion. */
  raw?: boolean;
}

export interface ListOutcome {
  items: KubeObject[];
  /** The items as JSON text, when `raw` was asked and possible (storage version, no predicate). */
  rawItems?: string[];
  metadata: ListMeta;
}

/** Parses a resourceVersion query value; undefined when unset. */
export function parseResourceVersion(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw newBadRequest(`invalid resource version: ${JSON.stringify(value)}`);
  return Number(value);
}

export function tooLargeResourceVersion(wanted: number, current: number): Error {
  return newTimeout(`Too large resource version: ${wanted}, current: ${current}`, 1);
}

export async function listObjects(store: ResourceStore, scope: ResourceScope, params: ListParams): Promise<ListOutcome> {
  const prefix = listPrefix(store.def, params.namespace);
  const rv = parseResourceVersion(params.resourceVersion);
  const match = params.resourceVersionMatch ?? '';
  const errs = validateListOptions({
    watch: false, resourceVersion: params.resourceVersion, resourceVersionMatch: match,
    continueToken: params.continueToken, sendInitialEvents: params.sendInitialEvents,
  });
  if (errs.length > 0) throw newInvalidOptions('ListOptions', errs);
  let readAt: number | undefined;
  let startAfter: string | undefined;
  if (params.continueToken) {
    if (rv !== undefined && rv !== 0) throw newBadRequest('specifying resource version is not allowed when using continue');
    const pos = decodeContinue(params.continueToken);
    startAfter = prefix + pos.startAfter;
    readAt = pos.resourceVersion === -1 ? undefined : pos.resourceVersion;
  } else if (rv !== undefined && rv !== 0) {
    const current = store.storage.currentResourceVersion();
    if (rv > current) throw tooLargeResourceVersion(rv, current);
    if (match === 'Exact') readAt = rv;
  }
  try {
    const raw = params.raw === true && !params.predicate && scope.version.name === store.def.storageVersion;
    const result = await store.storage.list(prefix, {
      resourceVersion: readAt, startAfter, limit: params.limit, predicate: params.predicate, raw,
    });
    const metadata: ListMeta = { resourceVersion: String(result.resourceVersion) };
    if (result.lastKey !== undefined) {
      metadata.continue = encodeContinue(result.resourceVersion, prefix, result.lastKey);
      if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
    }
    if (result.rawItems) return { items: [], rawItems: result.rawItems, metadata };
    return { items: result.items.map((o) => store.toVersion(o, scope.version.name)), metadata };
  } catch (err) {
    if (err instanceof StorageError && err.code === 'Expired' && params.continueToken && startAfter !== undefined) {
      throw newResourceExpired(CONTINUE_EXPIRED_MESSAGE, encodeContinue(-1, prefix, startAfter));
    }
    return withStatusErrors(scope.gr, '', () => Promise.reject(err));
  }
}
