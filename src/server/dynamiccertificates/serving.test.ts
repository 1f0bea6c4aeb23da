import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCertificate } from '../certificates/index.js';
import { loadServingCertificate, reloadOnChange } from './serving.js';

function servedCommonName(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().subject.CN as string);
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('serving certificate', () => {
  it('writes a self-signed certificate into --cert-dir once and reuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdir-'));
    const first = await loadServingCertificate({ certDir: dir });
    const again = await loadServingCertificate({ certDir: dir });
    expect(again.cert).toBe(first.cert);
    expect(first.certFile).toBe(join(dir, 'apiserver.crt'));
  });

  it('makes the missing folders of --cert-dir and names the first, for a failed start to remove', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdir-'));
    const made = await loadServingCertificate({ certDir: join(dir, 'a', 'b') });
    expect(made.createdDir).toBe(join(dir, 'a'));
    expect((await loadServingCertificate({ certDir: join(dir, 'a', 'b') })).createdDir).toBeUndefined();
  });

  // The read-only case itself (EROFS, not Node's recursive mkdir's ENOENT) needs a read-only mount: the
  // container image's test checks it (test/image/aggregation.test.ts).

  it('serves a new certificate once the files change, without a restart (kubelet-style symlink swap)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serving-'));
    const write = async (cn: string, name: string): Promise<void> => {
      const pair = await createCertificate(undefined, { commonName: cn, usage: 'serverAuth' });
      writeFileSync(join(dir, `${name}.crt.tmp`), pair.cert);
      writeFileSync(join(dir, `${name}.key.tmp`), pair.key);
      renameSync(join(dir, `${name}.key.tmp`), join(dir, 'tls.key'));
      renameSync(join(dir, `${name}.crt.tmp`), join(dir, 'tls.crt'));
    };
    await write('first', 'a');
    const serving = await loadServingCertificate({
      tlsCertFile: join(dir, 'tls.crt'),
      tlsPrivateKeyFile: join(dir, 'tls.key'),
      certDir: dir,
    });
    const server = createServer({ cert: serving.cert, key: serving.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const stop = reloadOnChange(server, serving, () => {});
    try {
      const port = (server.address() as { port: number }).port;
      expect(await servedCommonName(port)).toBe('first');
      await write('second', 'b');
      const deadline = Date.now() + 5000;
      let cn = '';
      while (Date.now() < deadline && cn !== 'second') {
        await new Promise((r) => setTimeout(r, 100));
        cn = await servedCommonName(port);
      }
      expect(cn).toBe('second');
    } finally {
      stop();
      server.close();
    }
  });
});
