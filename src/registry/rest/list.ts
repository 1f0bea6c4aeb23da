/**
 * Lists with kube-apiserver's resourceVersion semantics (unset: most recent; "0": any; N with
 * resourceVersionMatch Exact or NotOlderThan) and paging with continue tokens over a consistent snapshot.
 */
import { newBadRequest, newResourceExpired, newTimeout } from '../../apimachinery/errors.js';
import { newInvalidOptions, validateListOptions } from '../../apimachinery/options.js';
import type { KubeObject, ListMeta } from '../../apimachinery/types.js';
import { type Predicate, type RawItems, type Storage, StorageError } from '../../storage/interfaces.js';
import { listPrefix } from '../keys.js';
import { withStatusErrors } from '../storage-errors.js';
import { CONTINUE_EXPIRED_MESSAGE, decodeContinue, encodeContinue } from './continue-token.js';
import type { ResourceScope, StoreTarget } from './scope.js';

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
  /** The items as JSON text, when `raw` was asked and possible (storage version, no predicate): to be read. */
  rawItems?: RawItems;
  metadata: ListMeta;
}

/** Parses a resourceVersion query value; undefined when unset. */
export function parseResourceVersion(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw newBadRequest(`invalid resource version: ${JSON.stringify(value)}`);
  return Number(value);
}

/** How long a read waits for a resourceVersion the store has not reached (the watch cache's `blockTimeout`). */
const FRESHNESS_TIMEOUT_MS = 3_000;

/**
 * Waits until the store has `wanted`, as the watch cache does, then gives up with upstream's
 * `NewTooLargeResourceVersionError`: client-go's reflector recognises it only by its cause, and relists.
 */
export async function waitUntilFresh(storage: Storage, wanted: number): Promise<void> {
  if (await storage.waitForResourceVersion(wanted, FRESHNESS_TIMEOUT_MS)) return;
  const err = newTimeout(`Too large resource version: ${wanted}, current: ${await storage.currentResourceVersion()}`, 1);
  err.status.details = { ...err.status.details, causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] };
  throw err;
}

export async function listObjects(store: StoreTarget, scope: ResourceScope, params: ListParams): Promise<ListOutcome> {
  const prefix = listPrefix(store.def, params.namespace);
  const rv = parseResourceVersion(params.resourceVersion);
  const match = params.resourceVersionMatch ?? '';
  const errs = validateListOptions({
    watch: false,
    resourceVersion: params.resourceVersion,
    resourceVersionMatch: match,
    continueToken: params.continueToken,
    sendInitialEvents: params.sendInitialEvents,
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
    await waitUntilFresh(store.storage, rv);
    if (match === 'Exact') readAt = rv;
  }
  try {
    const raw = params.raw === true && !params.predicate && scope.version.name === store.def.storageVersion;
    const result = await store.storage.list(prefix, {
      resourceVersion: readAt,
      startAfter,
      limit: params.limit,
      predicate: params.predicate,
      raw,
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
