/**
 * Watches with kube-apiserver's start semantics: resourceVersion unset or "0" first sends the current state
 * as ADDED events; N resumes strictly after N from the store's history (410 Expired when too old);
 * sendInitialEvents=true sends the state, then a bookmark marking its end.
 */
import { newResourceExpired } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { parseSelected, type Predicate, type RawItems, StorageError, type Watch } from '../../storage/interfaces.js';
import { listPrefix } from '../keys.js';
import { parseResourceVersion, waitUntilFresh } from './list.js';
import type { ResourceScope, StoreTarget } from './scope.js';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: KubeObject;
  /** The store's resourceVersion this event brings the watcher up to (0 for the initial state's ADDED events). */
  resourceVersion: number;
}

export interface WatchParams {
  namespace: string;
  predicate?: Predicate;
  resourceVersion?: string;
  sendInitialEvents?: boolean;
  /** Ends the watch once the client has gone. */
  signal?: AbortSignal;
}

export interface ObjectWatch {
  next(): Promise<WatchEvent | undefined>;
  /** What a BOOKMARK may carry now (Watch.progress); 0 while events wait. */
  progress(): number;
  stop(): void;
}

/** The bookmark that ends the initial events of a `sendInitialEvents=true` watch. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

export function bookmark(scope: ResourceScope, resourceVersion: number, initialEventsEnd = false): WatchEvent {
  const metadata: KubeObject['metadata'] = { resourceVersion: String(resourceVersion) };
  if (initialEventsEnd) metadata.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: 'true' };
  return { type: 'BOOKMARK', object: { apiVersion: scope.apiVersion, kind: scope.def.names.kind, metadata }, resourceVersion };
}

/**
 * Each event's object in each version, converted once for all watches: watchers of one version share the
 * object (and so the encoded frame the handler keeps for it). Objects are never changed after conversion.
 */
const converted = new WeakMap<KubeObject, Map<string, KubeObject>>();

function sharedVersion(store: StoreTarget, obj: KubeObject, version: string): KubeObject {
  let versions = converted.get(obj);
  if (!versions) {
    versions = new Map();
    converted.set(obj, versions);
  }
  let out = versions.get(version);
  if (!out) {
    out = store.toVersion(obj, version);
    versions.set(version, out);
  }
  return out;
}

/** Throws the Expired Status with upstream's watch-cache wording. */
function tooOld(requested: number, oldest: number): Error {
  return newResourceExpired(`too old resource version: ${requested} (${oldest})`);
}

export async function startWatch(store: StoreTarget, scope: ResourceScope, params: WatchParams): Promise<ObjectWatch> {
  const prefix = listPrefix(store.def, params.namespace);
  const rv = parseResourceVersion(params.resourceVersion);
  let from: number;
  // The initial state is read from its snapshot a chunk at a time as the client takes it, each object parsed,
  // selected and converted then: the state of 100,000 objects is never held at once.
  let state: RawItems | undefined;
  let chunks: AsyncGenerator<(string | undefined)[]> | undefined;
  const queued: WatchEvent[] = [];
  const sendInitial = params.sendInitialEvents ?? (rv === undefined || rv === 0);
  if (sendInitial) {
    const listed = await store.storage.list(prefix, { raw: true, signal: params.signal });
    from = listed.resourceVersion;
    // Asked raw, with no predicate, a store always answers with the text (ListOptions.raw).
    state = listed.rawItems as RawItems;
    chunks = state.chunks();
  } else {
    from = rv ?? 0;
    await waitUntilFresh(store.storage, from);
  }
  // An initial event brings the client up to nothing yet (0): a bookmark sent between two of them must not say
  // that the state up to `from` was all sent. The end bookmark, or the first change after, brings it to `from`.
  function added(obj: KubeObject): WatchEvent {
    return { type: 'ADDED', object: store.toVersion(obj, scope.version.name), resourceVersion: 0 };
  }
  let watch: Watch;
  try {
    watch = await store.storage.watch(prefix, { resourceVersion: from, predicate: params.predicate, signal: params.signal });
  } catch (err) {
    state?.close();
    if (err instanceof StorageError && err.code === 'Expired')
      throw tooOld(from, err.oldestResourceVersion ?? (await store.storage.oldestResourceVersion()));
    throw err;
  }
  let stopped = false;
  return {
    async next() {
      while (queued.length === 0 && chunks) {
        let chunk: IteratorResult<(string | undefined)[]>;
        try {
          chunk = await chunks.next();
        } catch (err) {
          // Stopped (the client went away) while a chunk was read: its read view was closed under it.
          if (stopped) return undefined;
          throw err;
        }
        if (stopped) return undefined;
        if (chunk.done) {
          chunks = undefined;
          if (params.sendInitialEvents) queued.push(bookmark(scope, from, true));
          break;
        }
        for (const text of chunk.value as string[]) {
          const obj = parseSelected(text, params.predicate);
          if (obj) queued.push(added(obj));
        }
      }
      const next = queued.shift();
      if (next) return next;
      const ev = await watch.next();
      if (!ev) return undefined;
      return { type: ev.type, object: sharedVersion(store, ev.object, scope.version.name), resourceVersion: ev.resourceVersion };
    },
    progress() {
      // Nothing while the initial state is read or events wait to be taken.
      return chunks === undefined && queued.length === 0 ? watch.progress() : 0;
    },
    stop() {
      stopped = true;
      queued.length = 0;
      chunks = undefined;
      state?.close();
      watch.stop();
    },
  };
}
