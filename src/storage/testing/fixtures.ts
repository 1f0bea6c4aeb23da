/** What the storage conformance cases share: fixtures, objects, and helpers that read a store. */
import type { KubeObject } from '../../apimachinery/types.js';
import { type Storage, StorageError, type StorageEvent, type Watch } from '../interfaces.js';

export interface StorageFixture {
  storage: Storage;
  /** Closes the store and opens it again on the same data. */
  reopen: () => Promise<Storage>;
  cleanup: () => Promise<void>;
}

/** `historySize`: at most that many events stay watchable; older resourceVersions are compacted. */
export type StorageFactory = (opts?: { historySize?: number }) => Promise<StorageFixture>;

export const obj = (name: string, labels: Record<string, string> = {}, spec: unknown = {}): KubeObject => ({
  apiVersion: 'g/v1',
  kind: 'Thing',
  metadata: { name, namespace: 'ns', labels },
  spec,
});

export const code = (err: unknown): string | undefined => (err instanceof StorageError ? err.code : undefined);

/** A resourceVersion as a number, for ordering only: its value means nothing else. */
export const rv = (o: KubeObject): number => Number(o.metadata.resourceVersion);

export async function take(w: Watch, n: number, timeoutMs = 2000): Promise<StorageEvent[]> {
  const out: StorageEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n && Date.now() < deadline) {
    const ev = await Promise.race([w.next(), new Promise<undefined>((r) => setTimeout(() => r(undefined), deadline - Date.now()))]);
    if (!ev) break;
    out.push(ev);
  }
  return out;
}
