/**
 * Fan-out of committed events to watches, for any backend. Each watch filters by prefix and predicate, with the watch cache's
 * rule for objects that move in or out of the selection (a MODIFIED that stops matching is a DELETED, one
 * that starts matching an ADDED). A watch that falls more than `MAX_BUFFERED` events or `MAX_BUFFERED_BYTES`
 * behind is ended rather than buffered without bound: its client sees the stream end and re-watches from its
 * last resourceVersion.
 */
import type { Predicate, StorageEvent, Watch } from './interfaces.js';

const MAX_BUFFERED = 10_000;
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export class BufferedWatch implements Watch {
  private readonly queue: { ev: StorageEvent; bytes: number }[] = [];
  private queuedBytes = 0;
  private waiter: ((ev: StorageEvent | undefined) => void) | undefined;
  private stopped = false;
  /** The store's resourceVersion as of the last event or progress offered. */
  private offeredUpTo: number;

  /** `from`: the resourceVersion the watch starts after (the history since it is offered next). */
  constructor(
    readonly prefix: string,
    private readonly predicate: Predicate | undefined,
    private readonly onStop: () => void,
    from = 0,
  ) {
    this.offeredUpTo = from;
  }

  /** The store has reached `resourceVersion` (events up to it offered already). */
  advance(resourceVersion: number): void {
    if (resourceVersion > this.offeredUpTo) this.offeredUpTo = resourceVersion;
  }

  progress(): number {
    return this.queue.length === 0 && !this.stopped ? this.offeredUpTo : 0;
  }

  /** Queues the event as this watch should see it, if at all; `bytes` is its size as JSON text. */
  offer(ev: StorageEvent, bytes = 0): void {
    this.advance(ev.resourceVersion);
    if (this.stopped || !ev.key.startsWith(this.prefix)) return;
    const delivered = this.filter(ev);
    if (!delivered) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(delivered);
      return;
    }
    if (this.queue.length >= MAX_BUFFERED || this.queuedBytes + bytes > MAX_BUFFERED_BYTES) {
      this.stop();
      return;
    }
    this.queue.push({ ev: delivered, bytes });
    this.queuedBytes += bytes;
  }

  private filter(ev: StorageEvent): StorageEvent | undefined {
    const p = this.predicate;
    if (!p) return ev;
    if (ev.type === 'ADDED') return p(ev.object) ? ev : undefined;
    if (ev.type === 'DELETED') return p(ev.prevObject ?? ev.object) ? ev : undefined;
    const now = p(ev.object);
    const before = ev.prevObject ? p(ev.prevObject) : false;
    if (now && before) return ev;
    if (now) return { ...ev, type: 'ADDED' };
    if (before) return { ...ev, type: 'DELETED' };
    return undefined;
  }

  next(): Promise<StorageEvent | undefined> {
    const item = this.queue.shift();
    if (item) {
      this.queuedBytes -= item.bytes;
      return Promise.resolve(item.ev);
    }
    if (this.stopped) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.waiter?.(undefined);
    this.waiter = undefined;
    this.onStop();
  }
}

export class WatchHub {
  private readonly watches = new Set<BufferedWatch>();
  private closed = false;

  /** A watch that joins once the store has closed (it read old events from disk meanwhile) ends at once. */
  add(w: BufferedWatch): void {
    if (this.closed) {
      w.stop();
      return;
    }
    this.watches.add(w);
  }

  remove(w: BufferedWatch): void {
    this.watches.delete(w);
  }

  /** `sizes[i]` is the JSON size of `events[i]`. */
  publish(events: StorageEvent[], sizes: number[]): void {
    for (const w of this.watches) {
      events.forEach((ev, i) => {
        w.offer(ev, sizes[i]);
      });
    }
  }

  /** The store has reached `resourceVersion` without an event (etcd's progress notification). */
  progress(resourceVersion: number): void {
    for (const w of this.watches) w.advance(resourceVersion);
  }

  /** Ends every watch; new ones may still join (etcd's cache ends them all when it lists again). */
  endAll(): void {
    for (const w of [...this.watches]) w.stop();
  }

  /** Ends every watch, and any that joins later: the store has closed. */
  close(): void {
    this.closed = true;
    this.endAll();
  }
}
