/**
 * Renders the chart (with the real helm) and deploy/ (with the machine's kubectl kustomize), parses the
 * objects, and checks each against the Kubernetes OpenAPI schema of its kind (kubernetes-models).
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { APIService } from 'kubernetes-models/apiregistration.k8s.io/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ClusterRole, ClusterRoleBinding, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Pod, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const chartDir = join(repoRoot, 'charts', 'aggregated-apiserver');
export const deployDir = join(repoRoot, 'deploy');

// Loose on purpose: tests walk rendered objects the way kubectl would print them.
export type Obj = Record<string, any>;

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function exec(file: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  return new Promise((done, fail) => {
    execFile(file, args, { cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof (err as { code?: unknown }).code !== 'number') fail(err);
      else done({ code: err ? Number((err as { code: number }).code) : 0, stdout, stderr });
    });
  });
}

export async function execOk(file: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const r = await exec(file, args, opts);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export function parseManifests(text: string): Obj[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw doc.errors[0];
      return doc.toJS() as Obj | null;
    })
    .filter((o): o is Obj => o !== null && typeof o === 'object');
}

/** `helm template` of the chart with the given values files (relative to the chart) and `--set` pairs. */
export async function renderChart(helm: string, valuesFiles: string[] = [], set: string[] = []): Promise<Obj[]> {
  const args = ['template', 'release', chartDir, '--namespace', 'aas'];
  for (const f of valuesFiles) args.push('--values', join(chartDir, f));
  for (const s of set) args.push('--set', s);
  return parseManifests(await execOk(helm, args));
}

/** The serving certificate files deploy/ expects in tls/, made with the openssl commands of the README. */
export async function makeServingCert(dir: string): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const svc = 'aggregated-apiserver.aggregated-apiserver.svc';
  await execOk(
    'openssl',
    ['req', '-x509', ...ec, '-days', '3650', '-subj', '/CN=aggregated-apiserver-ca', '-keyout', 'ca.key', '-out', 'ca.crt'],
    { cwd: dir },
  );
  await execOk('openssl', ['req', ...ec, '-subj', `/CN=${svc}`, '-keyout', 'tls.key', '-out', 'tls.csr'], { cwd: dir });
  const ext = join(dir, 'tls.ext');
  await writeFile(ext, `subjectAltName=DNS:${svc},DNS:${svc}.cluster.local\nextendedKeyUsage=serverAuth\n`);
  await execOk(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      'tls.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '825',
      '-extfile',
      ext,
      '-out',
      'tls.crt',
    ],
    { cwd: dir },
  );
}

/**
 * `kubectl kustomize` of a copy of deploy/ (or of its variant, e.g. `ha`), with a freshly made serving
 * certificate in tls/.
 */
export async function renderDeploy(variant = ''): Promise<Obj[]> {
  const dir = await mkdtemp(join(tmpdir(), 'deploy-'));
  try {
    await cp(deployDir, dir, { recursive: true });
    await makeServingCert(join(dir, 'tls'));
    return parseManifests(await execOk('kubectl', ['kustomize', join(dir, variant)]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Validatable {
  validate(): void;
}
const models: Record<string, new (data: never) => Validatable> = {
  'apiregistration.k8s.io/v1/APIService': APIService,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Pod': Pod,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

/**
 * Throws unless the object matches its kind's schema. cert-manager's and prometheus-operator's kinds have no
 * model here (the tests check them field by field); any other unknown kind fails, so a new template cannot
 * go unchecked.
 */
export function validateObject(o: Obj): void {
  const key = `${o.apiVersion}/${o.kind}`;
  if (String(o.apiVersion).startsWith('cert-manager.io/') || String(o.apiVersion).startsWith('monitoring.coreos.com/')) return;
  const Model = models[key];
  if (!Model) throw new Error(`no schema for ${key} (${o.metadata?.name}); add it to test/deploy/manifests.ts`);
  try {
    new Model(o as never).validate();
  } catch (err) {
    throw new Error(`${key} ${o.metadata?.name}: ${(err as Error).message}`);
  }
}

export function byKind(objs: Obj[], kind: string): Obj[] {
  return objs.filter((o) => o.kind === kind);
}

export function one(objs: Obj[], kind: string, name?: string): Obj {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0] as Obj;
}
