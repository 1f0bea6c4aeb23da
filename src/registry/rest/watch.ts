/**
 * Watches with kube-apiserver's start semantics: resourceVersion unset or "0" first sends the current state
 * as ADDED events; N resumes strictly after N from the store's history (410 Expired when too old);
 * sendInitialEvents=true sends the state, then a bookmark marking its end.
 */
import { newResourceExpired } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { StorageError, type Predicate, type Watch } from '../../storage/interfaces.js';
import { listPrefix } from '../keys.js';
import { parseResourceVersion, waitUntilFresh } from './list.js';
import type { ResourceScope, StoreTarget } from './scope.js';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: KubeObject;
  /** The store's resourceVersion this event brings the watcher up to. */
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
  const initial: WatchEvent[] = [];
  let from: number;
  const sendInitial = params.sendInitialEvents ?? (rv === undefined || rv === 0);
  if (sendInitial) {
    const state = await store.storage.list(prefix, { predicate: params.predicate, signal: params.signal });
    from = state.resourceVersion;
    for (const obj of state.items) {
      initial.push({ type: 'ADDED', object: store.toVersion(obj, scope.version.name), resourceVersion: from });
    }
    if (params.sendInitialEvents) initial.push(bookmark(scope, from, true));
  } else {
    from = rv ?? 0;
    await waitUntilFresh(store.storage, from);
  }
  let watch: Watch;
  try {
    watch = await store.storage.watch(prefix, { resourceVersion: from, predicate: params.predicate, signal: params.signal });
  } catch (err) {
    if (err instanceof StorageError && err.code === 'Expired')
      throw tooOld(from, err.oldestResourceVersion ?? (await store.storage.oldestResourceVersion()));
    throw err;
  }
  return {
    async next() {
      const queued = initial.shift();
      if (queued) return queued;
      const ev = await watch.next();
      if (!ev) return undefined;
      return { type: ev.type, object: sharedVersion(store, ev.object, scope.version.name), resourceVersion: ev.resourceVersion };
    },
    progress() {
      return initial.length > 0 ? 0 : watch.progress();
    },
    stop() {
      initial.length = 0;
      watch.stop();
    },
  };
}
