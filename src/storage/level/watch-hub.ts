/**
 * Fan-out of committed events to watches. Each watch filters by prefix and predicate, with the watch cache's
 * rule for objects that move in or out of the selection (a MODIFIED that stops matching is a DELETED, one
 * that starts matching an ADDED). A watch that falls more than `MAX_BUFFERED` events behind is ended rather
 * than buffered without bound: its client sees the stream end and re-watches from its last resourceVersion.
 */
import type { Predicate, StorageEvent, Watch } from '../interfaces.js';

const MAX_BUFFERED = 10_000;

export class LevelWatch implements Watch {
  private readonly queue: StorageEvent[] = [];
  private waiter: ((ev: StorageEvent | undefined) => void) | undefined;
  private stopped = false;

  constructor(readonly prefix: string, private readonly predicate: Predicate | undefined, private readonly onStop: () => void) {}

  /** Queues the event as this watch should see it, if at all. */
  offer(ev: StorageEvent): void {
    if (this.stopped || !ev.key.startsWith(this.prefix)) return;
    const delivered = this.filter(ev);
    if (!delivered) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(delivered);
      return;
    }
    if (this.queue.length >= MAX_BUFFERED) {
      this.stop();
      return;
    }
    this.queue.push(delivered);
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
    const ev = this.queue.shift();
    if (ev) return Promise.resolve(ev);
    if (this.stopped) return Promise.resolve(undefined);
    return new Promise((resolve) => { this.waiter = resolve; });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.length = 0;
    this.waiter?.(undefined);
    this.waiter = undefined;
    this.onStop();
  }
}

export class WatchHub {
  private readonly watches = new Set<LevelWatch>();

  add(w: LevelWatch): void {
    this.watches.add(w);
  }

  remove(w: LevelWatch): void {
    this.watches.delete(w);
  }

  publish(events: StorageEvent[]): void {
    for (const w of this.watches) for (const ev of events) w.offer(ev);
  }

  endAll(): void {
    for (const w of [...this.watches]) w.stop();
  }
}
