/**
 * Compaction of etcd's history, as kube-apiserver's `storage/etcd3/compact.go` does it: every interval each
 * replica tries a compare-and-swap on the version of one shared key (`compact_rev_key`); the one that wins
 * records the current revision there and compacts up to the revision recorded one interval earlier, so every
 * event stays watchable for at least one interval and replicas (and a kube-apiserver sharing the etcd) never
 * compact twice for the same interval. A loser learns the key's version and tries again next interval.
 */
import type { EtcdClient } from './client.js';

export const COMPACT_REV_KEY = Buffer.from('compact_rev_key');

export class Compactor {
  /** The version of COMPACT_REV_KEY this replica expects (0: the key does not exist yet). */
  private version = 0;
  /** The revision recorded at the previous successful swap: what the next one compacts to. */
  private previousRevision = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: EtcdClient,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.runOnce().catch(this.onError);
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round: returns the revision compacted to, or undefined when another replica won or it was the first round. */
  async runOnce(): Promise<number | undefined> {
    const res = await this.client.txn(
      [{ result: 'EQUAL', target: 'VERSION', key: COMPACT_REV_KEY, version: this.version }],
      [{ request_put: { key: COMPACT_REV_KEY, value: Buffer.from(String(this.previousRevision)) } }],
      [{ request_range: { key: COMPACT_REV_KEY } }],
    );
    if (!res.succeeded) {
      this.version = res.responses[0]?.response_range?.kvs[0]?.version ?? 0;
      this.previousRevision = res.header.revision;
      return undefined;
    }
    this.version += 1;
    const target = this.previousRevision;
    this.previousRevision = res.header.revision;
    if (target === 0) return undefined;
    await this.client.compact(target);
    return target;
  }
}
