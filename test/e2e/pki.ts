/**
 * The control plane's certificates, laid out as kubeadm lays them out: a cluster CA for the serving
 * certificate and client certificates, a separate front-proxy CA whose only leaf is the aggregator's
 * `front-proxy-client`, and a service-account signing key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCA, createCertificate, type CertificateAuthority, type KeyPairPem } from '../../src/server/certificates/index.js';

export const FRONT_PROXY_CLIENT = 'front-proxy-client';

export interface ControlPlanePki {
  dir: string;
  clusterCA: CertificateAuthority;
  frontProxyCA: CertificateAuthority;
  files: {
    caCert: string;
    servingCert: string;
    servingKey: string;
    frontProxyCACert: string;
    proxyClientCert: string;
    proxyClientKey: string;
    serviceAccountKey: string;
    serviceAccountPublicKey: string;
  };
}

async function writePair(dir: string, name: string, pair: KeyPairPem): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  await writeFile(cert, pair.cert);
  await writeFile(key, pair.key, { mode: 0o600 });
  return { cert, key };
}

export async function createControlPlanePki(dir: string): Promise<ControlPlanePki> {
  await mkdir(dir, { recursive: true });
  const clusterCA = await createCA({ commonName: 'kubernetes' });
  const frontProxyCA = await createCA({ commonName: 'front-proxy-ca' });
  const serving = await createCertificate(clusterCA, {
    commonName: 'kube-apiserver',
    usage: 'serverAuth',
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    ipAddresses: ['127.0.0.1'],
  });
  const proxyClient = await createCertificate(frontProxyCA, { commonName: FRONT_PROXY_CLIENT, usage: 'clientAuth' });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  const caCert = join(dir, 'ca.crt');
  await writeFile(caCert, clusterCA.cert);
  const frontProxyCACert = join(dir, 'front-proxy-ca.crt');
  await writeFile(frontProxyCACert, frontProxyCA.cert);
  const servingFiles = await writePair(dir, 'apiserver', serving);
  const proxyFiles = await writePair(dir, FRONT_PROXY_CLIENT, proxyClient);
  const serviceAccountKey = join(dir, 'sa.key');
  await writeFile(serviceAccountKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  // --service-account-key-file reads public keys (or RSA private keys), not a PKCS#8 EC private key.
  const serviceAccountPublicKey = join(dir, 'sa.pub');
  await writeFile(serviceAccountPublicKey, publicKey.export({ type: 'spki', format: 'pem' }));
  return {
    dir,
    clusterCA,
    frontProxyCA,
    files: {
      caCert,
      servingCert: servingFiles.cert,
      servingKey: servingFiles.key,
      frontProxyCACert,
      proxyClientCert: proxyFiles.cert,
      proxyClientKey: proxyFiles.key,
      serviceAccountKey,
      serviceAccountPublicKey,
    },
  };
}

/** A client certificate of the cluster CA: kube-apiserver authenticates it as user CN in groups O. */
export function userCertificate(pki: ControlPlanePki, user: string, groups: string[] = []): Promise<KeyPairPem> {
  return createCertificate(pki.clusterCA, { commonName: user, organizations: groups, usage: 'clientAuth' });
}
