/**
 * For `serve` in the benchmark: a stand-in for the kube-apiserver's review endpoints (every SubjectAccessReview
 * allowed), its kubeconfig, a serving certificate of the same CA for our server, and a front-proxy CA with its
 * client certificate.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { createCA, createCertificate, type KeyPairPem } from '../src/server/certificates/index.js';

export interface Reviewer {
  kubeconfig: string;
  /** The CA of the reviewer's and our server's serving certificates. */
  ca: string;
  /** Our server's serving certificate (127.0.0.1) and key, as files. */
  servingCertFile: string;
  servingKeyFile: string;
  frontProxyCAFile: string;
  frontProxy: KeyPairPem;
  close: () => void;
}

export async function startReviewer(dir: string): Promise<Reviewer> {
  mkdirSync(dir, { recursive: true });
  const apiCA = await createCA({ commonName: 'bench-kube-ca' });
  const serving = await createCertificate(apiCA, { commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], usage: 'serverAuth' });
  const frontProxyCA = await createCA({ commonName: 'bench-front-proxy-ca' });
  const frontProxy = await createCertificate(frontProxyCA, { commonName: 'front-proxy-client' });
  const server = createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const review = JSON.parse(body || '{}') as Record<string, unknown>;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...review, status: { allowed: true } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'x',
      clusters: [
        {
          name: 'c',
          cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': Buffer.from(apiCA.cert).toString('base64') },
        },
      ],
      users: [{ name: 'u', user: { token: 'bench' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    }),
  );
  const frontProxyCAFile = join(dir, 'front-proxy-ca.crt');
  writeFileSync(frontProxyCAFile, frontProxyCA.cert);
  const servingCertFile = join(dir, 'serving.crt');
  const servingKeyFile = join(dir, 'serving.key');
  writeFileSync(servingCertFile, serving.cert);
  writeFileSync(servingKeyFile, serving.key, { mode: 0o600 });
  return { kubeconfig, ca: apiCA.cert, servingCertFile, servingKeyFile, frontProxyCAFile, frontProxy, close: () => server.close() };
}
