/**
 * Local mode's certificates and kubeconfig: created once under `<data-dir>/local` (a CA, a serving
 * certificate for localhost and 127.0.0.1, an admin client certificate in `system:masters`) and reused on
 * every later start. Keys are written with mode 0600.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

const FILES = ['ca.crt', 'serving.crt', 'serving.key', 'admin.crt', 'admin.key'];

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export async function ensureLocalCertificates(dir: string): Promise<void> {
  const present = await Promise.all(FILES.map((f) => exists(join(dir, f))));
  if (present.every(Boolean)) return;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // The X.509 library is loaded only to make certificates, not on every start that finds them made.
  const { createCA, createCertificate } = await import('./generate.js');
  const ca = await createCA({ commonName: 'aggregated-apiserver-local-ca' });
  const serving = await createCertificate(ca, {
    commonName: 'localhost',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
    usage: 'serverAuth',
  });
  const admin = await createCertificate(ca, { commonName: 'admin', organizations: ['system:masters'], usage: 'clientAuth' });
  await writeFile(join(dir, 'ca.crt'), ca.cert, { mode: 0o644 });
  await writeFile(join(dir, 'ca.key'), ca.key, { mode: 0o600 });
  await writeFile(join(dir, 'serving.crt'), serving.cert, { mode: 0o644 });
  await writeFile(join(dir, 'serving.key'), serving.key, { mode: 0o600 });
  await writeFile(join(dir, 'admin.crt'), admin.cert, { mode: 0o644 });
  await writeFile(join(dir, 'admin.key'), admin.key, { mode: 0o600 });
}

export async function writeKubeconfig(
  path: string,
  o: { server: string; caPem: string; clientCertPem: string; clientKeyPem: string; user: string },
): Promise<void> {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server: o.server, 'certificate-authority-data': b64(o.caPem) } }],
    users: [{ name: o.user, user: { 'client-certificate-data': b64(o.clientCertPem), 'client-key-data': b64(o.clientKeyPem) } }],
    contexts: [{ name: 'local', context: { cluster: 'local', user: o.user, namespace: 'default' } }],
    'current-context': 'local',
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
}
