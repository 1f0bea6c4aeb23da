/**
 * A cluster-scoped resource of the kube-apiserver kept by an informer (list, then watch, re-listing after an
 * error), as admission reads the cluster's namespaces, webhook configurations, policies and bindings. Objects stay the
 * JSON the kube-apiserver sent; `items()` is sorted by name and rebuilt only after a change. A resource the
 * cluster does not serve (404) counts as listed and empty.
 */
import * as k8s from '@kubernetes/client-node';
import type { ConfigurationSource } from '../admission/configuration.js';
import type { GroupVersionResource } from '../admission/matching/types.js';

export interface WatchedList<T> extends ConfigurationSource<T> {
  start(): void;
  stop(): Promise<void>;
  /** The object of that name as last seen. */
  get(name: string): T | undefined;
}

type Named = { metadata?: { name?: string } };

/** Where the informer lists: its watch path, and the list call of the same path. */
export interface ListSource {
  path: string;
  list: () => Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>;
}

/** A cluster-scoped resource of an API group, read as the JSON the kube-apiserver sends. */
export function clusterResource(kc: k8s.KubeConfig, gvr: GroupVersionResource): ListSource {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  return {
    path: `/apis/${gvr.group}/${gvr.version}/${gvr.resource}`,
    list: () =>
      api.listClusterCustomObject({ group: gvr.group, version: gvr.version, plural: gvr.resource }) as Promise<
        k8s.KubernetesListObject<k8s.KubernetesObject>
      >,
  };
}

export function watchedList<T extends Named>(
  kc: k8s.KubeConfig,
  source: ListSource,
  warn: (msg: string, err?: unknown) => void,
  onDelete?: (obj: T) => void,
): WatchedList<T> {
  const resource = source.path.slice(source.path.lastIndexOf('/') + 1);
  const informer = k8s.makeInformer<k8s.KubernetesObject>(kc, source.path, source.list);
  let sorted: T[] | undefined;
  let synced = false;
  let stopped = false;
  const waiters: (() => void)[] = [];
  const changed = () => {
    sorted = undefined;
  };
  informer.on('add', changed);
  informer.on('update', changed);
  informer.on('delete', (obj) => {
    changed();
    onDelete?.(obj as T);
  });
  const markSynced = () => {
    changed();
    synced = true;
    for (const w of waiters.splice(0)) w();
  };
  informer.on('connect', markSynced);
  informer.on('error', (err: unknown) => {
    if (stopped) return;
    if ((err as { code?: number }).code === 404) {
      // The cluster does not serve the resource (an older Kubernetes): it can hold no configuration of this
      // kind, so admission has nothing to wait for. Look again later, in case it is enabled.
      markSynced();
    } else warn(`${resource} informer failed, restarting in 5s`, err);
    setTimeout(() => {
      if (!stopped) informer.start().catch((e: unknown) => warn(`${resource} informer failed to restart`, e));
    }, 5000).unref();
  });
  return {
    start() {
      informer.start().catch((err: unknown) => warn(`${resource} informer failed to start`, err));
    },
    async stop() {
      stopped = true;
      await informer.stop();
    },
    waitForSync(timeoutMs) {
      if (synced) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(synced), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    get: (name) => informer.get(name) as T | undefined,
    items() {
      sorted ??= (informer.list() as T[]).slice().sort((a, b) => compareNames(byName(a), byName(b)));
      return sorted;
    },
  };
}

const byName = (o: Named): string => o.metadata?.name ?? '';
/** Go's string order (bytes), as upstream sorts configurations. */
const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
