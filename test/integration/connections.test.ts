/**
 * What connections and malformed requests cannot do to the server, over real sockets: every refusal is a
 * Status (bad escapes, unknown methods on both protocols, oversized headers), idle and unauthenticated
 * connections are closed, a user in hundreds of groups fits in HTTP/2 headers, and a flood of connections
 * past the file-descriptor limit is refused at accept instead of crashing the process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect as h2connect } from 'node:http2';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/cmd/local.js';
import { call, type ClientIdentity } from '../support/client.js';
import { startTestServer, tempDir } from '../support/local.js';

const base = '/apis/wardle.example.com/v1alpha1/namespaces/conn/flunders';

/** One raw HTTP/1.1 exchange on its own TLS connection; resolves with what the server wrote before closing. */
function rawHttp1(url: string, id: ClientIdentity, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect(
      { host: hostname, port: Number(port), ca: id.ca, cert: id.cert, key: id.key, ALPNProtocols: ['http/1.1'] },
      () => socket.end(request),
    );
    let out = '';
    socket.on('data', (d: Buffer) => {
      out += d.toString();
    });
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

function h2request(url: string, id: ClientIdentity, headers: Record<string, string | string[]>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = h2connect(url, { ca: id.ca, cert: id.cert, key: id.key });
    session.on('error', reject);
    const stream = session.request(headers);
    let body = '';
    let status = 0;
    stream.on('response', (h) => {
      status = Number(h[':status']);
    });
    stream.on('data', (d: Buffer) => {
      body += d.toString();
    });
    stream.on('end', () => {
      session.close();
      resolve({ status, body });
    });
    stream.on('error', (err) => {
      session.close();
      reject(err);
    });
    stream.end();
  });
}

/** Resolves with how long the connection stayed open, in ms (or rejects after `limitMs`). */
function lifetime(socket: TLSSocket, limitMs: number): Promise<number> {
  const start = Date.now();
  // Read (and drop) what the server sends: a socket whose data is never read never sees its end.
  socket.resume();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${limitMs} ms`)), limitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - start);
    });
  });
}

describe('connections and malformed requests', () => {
  const dir = tempDir('connections-it-');
  let local: LocalServer;
  let id: ClientIdentity;
  const open = (alpn: string, withCert = true): Promise<TLSSocket> => {
    const { hostname, port } = new URL(local.url);
    return new Promise((resolve, reject) => {
      const s = tlsConnect(
        { host: hostname, port: Number(port), ca: id.ca, ...(withCert ? { cert: id.cert, key: id.key } : {}), ALPNProtocols: [alpn] },
        () => resolve(s),
      );
      s.on('error', reject);
    });
  };

  beforeAll(async () => {
    local = await startTestServer(
      dir.path,
      {},
      { connections: { idleTimeoutMs: 600, firstRequestTimeoutMs: 600, reservedFileDescriptors: 512 } },
    );
    id = { ca: local.ca, cert: local.adminCert, key: local.adminKey };
  });
  afterAll(async () => {
    await local?.server.shutdown();
    dir.remove();
  });

  describe('every refusal is a Status', () => {
    it('a path that does not percent-decode is a 400', async () => {
      const res = await call(local.url, id, 'GET', `${base}/%ZZ`);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    });

    it('a name of any length reaches the handler: 404 NotFound, not 414', async () => {
      const res = await call(local.url, id, 'GET', `${base}/${'a'.repeat(1000)}`);
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ kind: 'Status', reason: 'NotFound' });
    });

    it("accepts headers up to Go's 1 MB, and refuses more with a Status", async () => {
      const ok = await call(local.url, id, 'GET', '/apis', undefined, { 'x-big': 'a'.repeat(64 * 1024) });
      expect(ok.status).toBe(200);
      const raw = await rawHttp1(local.url, id, `GET /apis HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1100 * 1024)}\r\n\r\n`);
      expect(raw).toMatch(/^HTTP\/1.1 431 /);
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ kind: 'Status', code: 431 });
    });

    it('an unknown method is a 405 Status over HTTP/1.1 and HTTP/2', async () => {
      const raw = await rawHttp1(local.url, id, `FOO ${base} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(raw).toMatch(/^HTTP\/1.1 405 /);
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed' });
      const h2 = await h2request(local.url, id, { ':method': 'FOO', ':path': base });
      expect(h2.status).toBe(405);
      expect(JSON.parse(h2.body)).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed' });
    });

    it('a bad continue token never echoes its bytes', async () => {
      const res = await call(local.url, id, 'GET', `${base}?limit=1&continue=%FF%FEabc`);
      expect(res.status).toBe(400);
      expect(res.json.message).toBe('invalid continue token: continue key is not valid: illegal base64 data');
    });

    it('an empty create body names no JavaScript value', async () => {
      const res = await call(local.url, id, 'POST', base, undefined, { 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expect(res.json.message).toBe("Object 'Kind' is missing in ''");
    });
  });

  describe('HTTP/2 headers', () => {
    it('serves a request with hundreds of repeated header fields (one X-Remote-Group per group)', async () => {
      const groups = Array.from({ length: 500 }, (_, i) => `group-${i}`);
      const res = await h2request(local.url, id, { ':method': 'GET', ':path': '/apis', 'x-remote-group': groups });
      expect(res.status).toBe(200);
    });
  });

  describe('connection lifetimes', () => {
    it('closes a connection that sends no request', async () => {
      const socket = await open('http/1.1');
      expect(await lifetime(socket, 5000)).toBeGreaterThanOrEqual(500);
    });

    it('closes an idle keep-alive connection after its last response, not while a watch is open', async () => {
      const socket = await open('http/1.1');
      const closed = lifetime(socket, 8000);
      socket.write(`GET ${base}?watch=true&timeoutSeconds=2 HTTP/1.1\r\nHost: x\r\n\r\n`);
      // The watch lasts 2 s, far past the 600 ms idle timeout: the connection stays until it ends, then idles out.
      expect(await closed).toBeGreaterThanOrEqual(2000);
    });

    it('closes an HTTP/1.1 connection once an anonymous request is answered', async () => {
      const socket = await open('http/1.1', false);
      const closed = lifetime(socket, 5000);
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(await closed).toBeLessThan(500);
    });

    it('sends GOAWAY to an HTTP/2 session once an unauthenticated request is answered', async () => {
      const session = h2connect(local.url, { ca: id.ca });
      const goaway = new Promise<void>((resolve) => session.once('goaway', () => resolve()));
      const stream = session.request({ ':method': 'GET', ':path': '/healthz' });
      stream.resume();
      stream.end();
      await goaway;
      session.destroy();
    });
  });
});

describe('a flood of connections past the file-descriptor limit', () => {
  const dir = tempDir('fd-flood-it-');
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    dir.remove();
  });

  it('is refused at accept; the process lives and serves again once it passes', async () => {
    // The server in a process of its own with a soft and hard limit of 700 descriptors, on a port the kernel
    // picks (a guessed one can be taken by any outgoing connection of the shared machine: EADDRINUSE in CI).
    // `exec node` (not npx, which would leave node as a grandchild): killing the child then ends the server.
    child = spawn(
      'bash',
      [
        '-c',
        `ulimit -n 700 && exec "${process.execPath}" --import tsx src/main.ts local --data-dir ${dir.path} --secure-port 0 --log-level warn`,
      ],
      { cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const deadline = Date.now() + 30_000;
    while (!/is serving on https:\/\/\S+\n/.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /is serving on (https:\/\/\S+)/.exec(output)?.[1] ?? '';
    const port = Number(new URL(url).port);
    const localDir = join(dir.path, 'local');
    const id = {
      ca: readFileSync(join(localDir, 'ca.crt'), 'utf8'),
      cert: readFileSync(join(localDir, 'admin.crt'), 'utf8'),
      key: readFileSync(join(localDir, 'admin.key'), 'utf8'),
    };
    const sockets: TLSSocket[] = [];
    await Promise.all(
      Array.from(
        { length: 1100 },
        () =>
          new Promise<void>((resolve) => {
            const s = tlsConnect({ host: '127.0.0.1', port, ca: id.ca, ALPNProtocols: ['http/1.1'] }, () => resolve());
            s.on('error', () => resolve());
            s.on('close', () => resolve());
            sockets.push(s);
          }),
      ),
    );
    // Past the limit, the server refuses; it must still be the same, living process.
    expect(child.exitCode).toBeNull();
    for (const s of sockets) s.destroy();
    await new Promise((r) => setTimeout(r, 1500));
    expect(child.exitCode).toBeNull();
    const res = await call(url, id, 'GET', '/readyz');
    expect(res.status).toBe(200);
    expect(output).not.toMatch(/EMFILE/);
  }, 90_000);
});
