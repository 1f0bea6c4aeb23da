/**
 * Watch delivery under load: `watchers` watches open on one collection while creates arrive at a steady
 * `rate` per second (paced, open loop: a slow server gets the writes queued, not fewer of them), then each
 * watch's events are counted: how long each took from the create being sent, and which a watcher never saw
 * or saw twice. From the send, not the answer: through the aggregator the event often arrives before the
 * answer, and a delay counted from the answer would favour whichever path answers slowest.
 */
import { Agent, request } from 'node:https';
import type { ClientRequest } from 'node:http';
import { getJson, type Sample, type Tls } from './cannon.js';

export interface WatchLoad {
  watchers: number;
  /** Creates per second. */
  rate: number;
  seconds: number;
}

export interface WatchSample extends Sample {
  /** Creates answered with 201; every watcher should see each once. */
  writes: number;
  delivered: number;
  missed: number;
  duplicated: number;
}

export interface Target {
  url: string;
  tls: Tls;
  headers: Record<string, string>;
}

/** The collection's current resourceVersion, from a list of one item. */
async function currentRv(t: Target, path: string): Promise<string> {
  return (await getJson<{ metadata: { resourceVersion: string } }>(t.url, t.tls, `${path}?limit=1`, t.headers)).metadata.resourceVersion;
}

/** One watch; calls `onName` with each event's object name that starts with `prefix` (found without parsing the event). */
function openWatch(t: Target, path: string, prefix: string, onName: (name: string) => void): Promise<ClientRequest> {
  const nameOf = new RegExp(`"name":"(${prefix}\\d+)"`);
  return new Promise((resolve, reject) => {
    // A connection of its own, as each watching client has.
    const req = request(new URL(path, t.url), { ...t.tls, headers: t.headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`watch answered ${res.statusCode}`));
        res.resume();
        return;
      }
      resolve(req);
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const m = nameOf.exec(line);
          if (m?.[1]) onName(m[1]);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function post(t: Target, agent: Agent, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, t.url),
      { method: 'POST', ...t.tls, agent, headers: { 'content-type': 'application/json', ...t.headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Waits until `done()` or `ms` have passed, checking every 20 ms. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** `load.watchers` watches of `path`, `load.rate * load.seconds` creates of objects named `<prefix><i>`. */
export async function watchDelivery(t: Target, path: string, apiVersion: string, prefix: string, load: WatchLoad): Promise<WatchSample> {
  const total = load.rate * load.seconds;
  const sent = new Float64Array(total);
  const seen = Array.from({ length: load.watchers }, () => new Uint8Array(total));
  const delays: number[] = [];
  let deliveries = 0;
  let duplicated = 0;
  let last = 0;
  const rv = await currentRv(t, path);
  const watches = await Promise.all(
    Array.from({ length: load.watchers }, (_, w) =>
      openWatch(t, `${path}?watch=true&resourceVersion=${rv}`, prefix, (name) => {
        const i = Number(name.slice(prefix.length));
        const mine = seen[w] as Uint8Array;
        if (mine[i]) {
          duplicated++;
          return;
        }
        mine[i] = 1;
        deliveries++;
        last = performance.now();
        delays.push(last - (sent[i] as number));
      }),
    ),
  );
  // Writes reuse a few keep-alive connections, as a controller's client does.
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  try {
    await new Promise((r) => setTimeout(r, 200));
    const writes: Promise<void>[] = [];
    let failed = 0;
    const start = performance.now();
    for (let i = 0; i < total; ) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * load.rate) + 1);
      for (; i < due; i++) {
        const n = i;
        sent[n] = performance.now();
        writes.push(
          post(t, agent, path, { apiVersion, kind: 'Flunder', metadata: { name: `${prefix}${n}` }, spec: {} }).then(
            (code) => {
              if (code !== 201) failed++;
            },
            () => {
              failed++;
            },
          ),
        );
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(writes);
    if (failed > 0) throw new Error(`${failed} of ${total} creates failed`);
    const expected = load.watchers * total;
    await until(() => deliveries >= expected, 10_000);
    // Over the writes and until the last event arrived: a server that falls behind delivers fewer per second.
    const elapsed = (Math.max(last, start + 1) - start) / 1000;
    const sorted = delays.sort((a, b) => a - b);
    return {
      rps: deliveries / elapsed,
      p50: sorted[Math.floor(sorted.length * 0.5)] ?? 0,
      p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
      writes: total,
      delivered: deliveries,
      missed: expected - deliveries,
      duplicated,
    };
  } finally {
    for (const w of watches) w.destroy();
    agent.destroy();
  }
}
