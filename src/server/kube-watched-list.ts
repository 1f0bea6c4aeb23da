/**
 * A cluster-scoped resource of the kube-apiserver kept by an informer (list, then watch, re-listing after an
 * error), as admission reads the cluster's webhook configurations, policies and bindings. Objects stay the
 * JSON the kube-apiserver sent; `items()` is sorted by name and rebuilt only after a change. A resource the
 * cluster does not serve (404) counts as listed and empty.
 */
import * as k8s from '@kubernetes/client-node';
import type { ConfigurationSource } from '../admission/configuration.js';

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface WatchedList<T> extends ConfigurationSource<T> {
  start(): void;
  stop(): Promise<void>;
}

type Named = { metadata?: { name?: string } };

export function watchedList<T extends Named>(
  kc: k8s.KubeConfig,
  gvr: GroupVersionResource,
  warn: (msg: string, err?: unknown) => void,
): WatchedList<T> {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const path = `${gvr.group ? `/apis/${gvr.group}` : '/api'}/${gvr.version}/${gvr.resource}`;
  const list = () =>
    api.listClusterCustomObject({ group: gvr.group, version: gvr.version, plural: gvr.resource }) as Promise<
      k8s.KubernetesListObject<k8s.KubernetesObject>
    >;
  const informer = k8s.makeInformer<k8s.KubernetesObject>(kc, path, list);
  let sorted: T[] | undefined;
  let synced = false;
  let stopped = false;
  const waiters: (() => void)[] = [];
  const changed = () => {
    sorted = undefined;
  };
  informer.on('add', changed);
  informer.on('update', changed);
  informer.on('delete', changed);
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
    } else warn(`${gvr.resource} informer failed, restarting in 5s`, err);
    setTimeout(() => {
      if (!stopped) informer.start().catch((e: unknown) => warn(`${gvr.resource} informer failed to restart`, e));
    }, 5000).unref();
  });
  return {
    start() {
      informer.start().catch((err: unknown) => warn(`${gvr.resource} informer failed to start`, err));
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
    items() {
      sorted ??= (informer.list() as T[]).slice().sort((a, b) => compareNames(byName(a), byName(b)));
      return sorted;
    },
  };
}

const byName = (o: Named): string => o.metadata?.name ?? '';
/** Go's string order (bytes), as upstream sorts configurations. */
const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
