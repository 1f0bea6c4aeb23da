/**
 * Watch figures: how long an event takes from a create's acknowledgement to each open watch, with one
 * watcher or many (fan-out), creates sent one at a time so that latency, not queueing, is measured.
 */
import { request } from 'node:https';
import type { ClientRequest } from 'node:http';
import { type Figure, send, type Tls } from './cannon.js';

/** The collection's current resourceVersion, from a list of one item. */
export function currentRv(url: string, tls: Tls, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(`${path}?limit=1`, url), tls, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve((JSON.parse(body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * `watchers` watches on `path`, then `count` creates; each delivery's delay after the create's answer (an
 * event that arrives before the answer counts zero). rps is deliveries per second over all watchers.
 */
export async function watchFanOut(
  url: string,
  tls: Tls,
  path: string,
  watchers: number,
  count: number,
  apiVersion = 'wardle.example.com/v1alpha1',
): Promise<Figure> {
  const acked = new Map<string, bigint>();
  const delays: number[] = [];
  const total = watchers * count;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const rv = await currentRv(url, tls, path);
  const requests: ClientRequest[] = [];
  for (let w = 0; w < watchers; w++) {
    const req = request(new URL(`${path}?watch=true&resourceVersion=${rv}`, url), tls, (res) => {
      let buf = '';
      res.on('data', (c: Buffer) => {
        buf += c.toString();
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const ev = JSON.parse(buf.slice(0, nl)) as { object: { metadata: { name: string } } };
          buf = buf.slice(nl + 1);
          const at = acked.get(ev.object.metadata.name);
          delays.push(at === undefined ? 0 : Number(process.hrtime.bigint() - at) / 1e6);
          if (delays.length >= total) done();
        }
      });
    });
    req.end();
    requests.push(req);
  }
  await new Promise((r) => setTimeout(r, 200 + 10 * watchers));
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const name = `watched-${watchers}-${i}`;
    await send(url, tls, 'POST', path, { apiVersion, kind: 'Flunder', metadata: { name }, spec: {} });
    acked.set(name, process.hrtime.bigint());
  }
  await finished;
  for (const r of requests) r.destroy();
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    name: watchers === 1 ? `watch delivery (${count} creates, one at a time)` : `watch fan-out (${watchers} watchers, ${count} creates)`,
    rps: total / ((Date.now() - started) / 1000),
    p50: sorted[Math.floor(sorted.length * 0.5)] ?? 0,
    p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
  };
}
