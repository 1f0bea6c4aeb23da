/**
 * Lists with kube-apiserver's resourceVersion semantics (unset: most recent; "0": any; N with
 * resourceVersionMatch Exact or NotOlderThan) and paging with continue tokens over a consistent snapshot.
 */
import { newBadRequest, newResourceExpired, newTimeout } from '../../apimachinery/errors.js';
import { newInvalidOptions, validateListOptions } from '../../apimachinery/options.js';
import type { KubeObject, ListMeta } from '../../apimachinery/types.js';
import { parseSelected, type Predicate, type RawItems, type Storage, StorageError } from '../../storage/interfaces.js';
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
  /** Ask for the items as JSON text (`rawItems`), read as they are written out. */
  raw?: boolean;
}

/**
 * A list's items as JSON text in the version asked for, read from storage a chunk at a time as the caller
 * takes them. Where an item is null, the list's selector left it out.
 */
export interface ListedItems extends Omit<RawItems, 'chunks'> {
  chunks(skip?: (i: number) => boolean): AsyncGenerator<(string | null | undefined)[]>;
}

export interface ListOutcome {
  items: KubeObject[];
  /**
   * The items as JSON text when `raw` was asked, to be read: for every list but one with both a selector and a
   * limit, whose few matches are found first.
   */
  rawItems?: ListedItems;
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
    // Text from storage, converted and selected here an item at a time as it is written out, so that a full list
    // in another version, or with a selector, never holds every object parsed at once. With a selector and a
    // limit, the storage finds the page's matches first (the continue token needs the last one).
    const predicate = params.predicate;
    const raw = params.raw === true && (!predicate || params.limit === undefined);
    const result = await store.storage.list(prefix, {
      resourceVersion: readAt,
      startAfter,
      limit: params.limit,
      predicate: raw ? undefined : predicate,
      raw,
    });
    const metadata: ListMeta = { resourceVersion: String(result.resourceVersion) };
    if (result.lastKey !== undefined) {
      metadata.continue = encodeContinue(result.resourceVersion, prefix, result.lastKey);
      if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
    }
    if (result.rawItems) {
      const version = scope.version.name;
      if (!predicate && version === store.def.storageVersion) return { items: [], rawItems: result.rawItems, metadata };
      return {
        items: [],
        rawItems: selected(
          result.rawItems,
          version === store.def.storageVersion ? undefined : (o) => store.toVersion(o, version),
          predicate,
        ),
        metadata,
      };
    }
    return { items: result.items.map((o) => store.toVersion(o, scope.version.name)), metadata };
  } catch (err) {
    if (err instanceof StorageError && err.code === 'Expired' && params.continueToken && startAfter !== undefined) {
      throw newResourceExpired(CONTINUE_EXPIRED_MESSAGE, encodeContinue(-1, prefix, startAfter));
    }
    return withStatusErrors(scope.gr, '', () => Promise.reject(err));
  }
}

/**
 * Stored text converted to `convert`'s version and tested against `predicate`, an item at a time (null for one
 * left out). With a predicate every item is read: a row a Table keeps for an object says nothing of its labels.
 */
function selected(items: RawItems, convert: ((o: KubeObject) => KubeObject) | undefined, predicate: Predicate | undefined): ListedItems {
  const each = (text: string | undefined): string | null | undefined => {
    if (text === undefined) return undefined;
    const obj = parseSelected(text, predicate);
    if (!obj) return null;
    return convert ? JSON.stringify(convert(obj)) : text;
  };
  return {
    length: items.length,
    ...(items.listLength !== undefined ? { listLength: items.listLength } : {}),
    keyOf: (i) => items.keyOf(i),
    resourceVersionOf: (i) => items.resourceVersionOf(i),
    close: () => items.close(),
    async *chunks(skip) {
      for await (const chunk of items.chunks(predicate ? undefined : skip)) yield chunk.map(each);
    },
  };
}
