/** Certificates: generation, and local mode's CA, serving and admin certificates with their kubeconfig. */
export { createCA, createCertificate, type CertificateAuthority, type KeyPairPem, type LeafOptions } from './generate.js';
export { ensureLocalCertificates, writeKubeconfig } from './local.js';
