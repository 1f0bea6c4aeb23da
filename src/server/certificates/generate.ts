/**
 * Certificate generation over WebCrypto (`@peculiar/x509`), ECDSA P-256: CAs, serving certificates and
 * client certificates, with the validity, usages and subjects a caller asks for, so tests can also make the
 * bad ones (expired, wrong usage, self-signed).
 */
// @peculiar/x509's dependency injection needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface KeyPairPem {
  cert: string;
  key: string;
}

export interface CertificateAuthority extends KeyPairPem {
  subject: string;
  keys: CryptoKeyPair;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

const serial = (): string =>
  Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');

/** RDN escaping for the few characters x509 names treat specially. */
const rdn = (v: string): string => v.replace(/([,+"\\<>;=])/g, '\\$1');

export function subjectOf(commonName: string, organizations: string[] = []): string {
  return [`CN=${rdn(commonName)}`, ...organizations.map((o) => `O=${rdn(o)}`)].join(', ');
}

export async function createCA(opts: { commonName: string; notBefore?: Date; notAfter?: Date }): Promise<CertificateAuthority> {
  const keys = await newKeys();
  const subject = subjectOf(opts.commonName);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: subject,
    notBefore: opts.notBefore ?? new Date(Date.now() - 60_000),
    notAfter: opts.notAfter ?? new Date(Date.now() + 3650 * DAY),
    keys: keys as never,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
    ],
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey), subject, keys };
}

export interface LeafOptions {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Extended key usage: client auth, server auth, or none at all. */
  usage?: 'clientAuth' | 'serverAuth' | 'none';
  notBefore?: Date;
  notAfter?: Date;
}

/** A certificate signed by `ca`, or self-signed when `ca` is undefined. */
export async function createCertificate(ca: CertificateAuthority | undefined, opts: LeafOptions): Promise<KeyPairPem> {
  const keys = await newKeys();
  const subject = subjectOf(opts.commonName, opts.organizations);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
  ];
  const usage = opts.usage ?? 'clientAuth';
  if (usage !== 'none')
    extensions.push(
      new x509.ExtendedKeyUsageExtension([usage === 'clientAuth' ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth]),
    );
  const names = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: ca?.subject ?? subject,
    notBefore: opts.notBefore ?? new Date(Date.now() - 60_000),
    notAfter: opts.notAfter ?? new Date(Date.now() + 3650 * DAY),
    signingKey: (ca?.keys.privateKey ?? keys.privateKey) as never,
    publicKey: keys.publicKey as never,
    signingAlgorithm: ALG,
    extensions,
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
}
