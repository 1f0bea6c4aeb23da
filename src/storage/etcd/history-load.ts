/**
 * The watch cache's history at start-up: the events of the last `maxEvents` revisions before the list's,
 * read back from etcd's own history with their previous values, so that a watch resumed from a
 * resourceVersion handed out before a restart (or by another replica) is served rather than answered 410.
 * What etcd has compacted cannot be read: the history then starts after etcd's compaction point.
 */
import { EventHistory, type HistoryBounds, type HistoryEntry } from '../cache/history.js';
import type { EtcdClient, KeyValue, WatchEvent } from './client.js';
import { cachedJson } from './stored-value.js';

/** How long reading the history may take before start-up goes on without it. */
const LOAD_TIMEOUT_MS = 10_000;

export async function loadHistory(
  client: EtcdClient,
  prefix: Buffer,
  end: Buffer,
  revision: number,
  bounds: HistoryBounds,
): Promise<EventHistory> {
  // Everything after `floor` is read. A compaction at C forgets C too: etcd still serves a watch from C, but a
  // store asked to forget its history (a restore) compacted at its last revision and means all of it.
  let floor = Math.max(0, revision - bounds.maxEvents);
  for (let attempt = 0; attempt < 3 && floor < revision; attempt++) {
    const read = await readEvents(client, prefix, end, floor + 1, revision);
    if (read.compactedTo !== undefined) {
      floor = Math.max(floor, read.compactedTo);
      continue;
    }
    if (!read.events) break;
    return historyOf(read.events, prefix.length, floor, bounds);
  }
  return new EventHistory(bounds, revision);
}

function historyOf(events: WatchEvent[], prefixLength: number, before: number, bounds: HistoryBounds): EventHistory {
  const entries: HistoryEntry[] = [];
  let compacted = before;
  const json = (kv: KeyValue, rv: number): string => cachedJson(kv, prefixLength, rv);
  for (const ev of events) {
    const key = ev.kv.key.subarray(prefixLength).toString();
    const rv = ev.kv.mod_revision;
    const prev = ev.prev_kv ?? undefined;
    const created = ev.type === 'PUT' && ev.kv.create_revision === rv;
    if (!prev && !created) {
      // A change whose previous state etcd has compacted away: the history can only start after it.
      entries.length = 0;
      compacted = rv;
      continue;
    }
    if (ev.type === 'DELETE') {
      const last = prev as KeyValue;
      entries.push({ type: 'DELETED', key, resourceVersion: rv, json: json(last, rv), prevJson: json(last, last.mod_revision) });
    } else if (prev) {
      entries.push({ type: 'MODIFIED', key, resourceVersion: rv, json: json(ev.kv, rv), prevJson: json(prev, prev.mod_revision) });
    } else {
      entries.push({ type: 'ADDED', key, resourceVersion: rv, json: json(ev.kv, rv) });
    }
  }
  const history = new EventHistory(bounds, compacted);
  history.apply(entries, history.planEviction(entries));
  return history;
}

interface Read {
  events?: WatchEvent[];
  /** etcd has compacted past `start`: its oldest revision. */
  compactedTo?: number;
}

/** The events of revisions [start, revision] under the prefix: a watch from `start`, until etcd says it has caught up. */
function readEvents(client: EtcdClient, prefix: Buffer, end: Buffer, start: number, revision: number): Promise<Read> {
  return new Promise((resolve) => {
    const events: WatchEvent[] = [];
    let done = false;
    const finish = (read: Read): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(asking);
      stream.close();
      resolve(read);
    };
    const timer = setTimeout(() => finish({}), LOAD_TIMEOUT_MS);
    // etcd answers a progress request only once the watch has caught up, so it is asked again until then.
    const asking = setInterval(() => stream.requestProgress(), 100);
    const stream = client.watch(
      prefix,
      end,
      start,
      {
        response: (res) => {
          if (res.canceled) return finish(res.compact_revision > 0 ? { compactedTo: res.compact_revision } : {});
          if (res.created) return;
          if (res.events.length === 0) return finish({ events });
          for (const ev of res.events) {
            if (ev.kv.mod_revision > revision) return finish({ events });
            events.push(ev);
          }
          if (res.header.revision <= revision && events.at(-1)?.kv.mod_revision === revision) finish({ events });
        },
        end: () => finish({}),
      },
      true,
    );
  });
}
