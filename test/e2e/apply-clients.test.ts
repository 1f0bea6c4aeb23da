/**
 * Server-side apply as real clients do it, through kube-apiserver's aggregator to our server: kubectl
 * (apply --server-side, conflicts, diff, migration from client-side apply), client-go's dynamic client,
 * and Helm 4, which installs and upgrades with server-side apply by default.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { exec, execOk, type Obj } from '../deploy/manifests.js';
import type { Kubectl } from '../support/kubectl.js';
import { ensureClientGoApply } from '../tools/client-go-apply.js';
import { ensureHelm4 } from '../tools/helm.js';
import type { ControlPlane } from './control-plane.js';
import type { ExtensionServer } from './extension-server.js';
import { installAndStart } from './install.js';
import { freePort } from './process.js';
import { BUILD_TIMEOUT_MS, skipE2E, startControlPlane } from './suite.js';

const NAMESPACE = 'apply';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** The version the manifests are written in, and read back in: managedFields name its field paths (spec.reference). */
const FLUNDERS = 'flunders.v1alpha1.wardle.example.com';

const flunder = (name: string, spec: Obj, labels?: Record<string, string>, namespace = NAMESPACE): Obj => ({
  apiVersion: 'wardle.example.com/v1alpha1',
  kind: 'Flunder',
  metadata: { name, namespace, ...(labels ? { labels } : {}) },
  spec,
});

/** A managedFields entry as the server must write it for a v1alpha1 request; only the time is the server's to choose. */
const entry = (manager: string, operation: 'Apply' | 'Update', fieldsV1: Obj): Obj => ({
  manager,
  operation,
  apiVersion: 'wardle.example.com/v1alpha1',
  time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
  fieldsType: 'FieldsV1',
  fieldsV1,
});

let cp: ControlPlane;
let server: ExtensionServer;
let admin: Kubectl;

/** The live object, as v1alpha1, managedFields included (kubectl hides them by default). */
const live = async (name: string, namespace = NAMESPACE): Promise<Obj> =>
  JSON.parse(await admin.ok(['get', FLUNDERS, name, '-n', namespace, '-o', 'json', '--show-managed-fields']));
/**
 * kubectl's stderr without the server's warnings: v1alpha1 is deprecated, as in the sample-apiserver, so
 * every request in it carries a Warning header that kubectl prints.
 */
const errorsIn = (stderr: string): string =>
  stderr
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('Warning: '))
    .join('\n');
/** What client-side `kubectl apply` records as last-applied: the manifest, with an empty annotations map. */
const clientSideLastApplied = (o: Obj): Obj => ({ ...o, metadata: { ...o.metadata, annotations: {} } });
const managerEntry = (obj: Obj, manager: string): Obj | undefined =>
  (obj.metadata.managedFields as Obj[] | undefined)?.find((e) => e.manager === manager);

describe.skipIf(skipE2E)('server-side apply by real clients through kube-apiserver', () => {
  beforeAll(async () => {
    cp = await startControlPlane('apply-clients');
    admin = cp.kubectl();
    const port = await freePort();
    server = await installAndStart(cp, port);
    await admin.ok(['create', 'namespace', NAMESPACE]);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await server?.process.stop();
    await cp?.stop();
  });

  describe('kubectl', () => {
    it('creates and changes a Flunder with apply --server-side, owning exactly the applied fields as "kubectl"', async () => {
      const created = await admin.ok(
        ['apply', '--server-side', '-f', '-'],
        stringify(flunder('ssa', { reference: 'first', referenceType: 'Flunder' }, { keep: 'kept', drop: 'dropped' })),
      );
      expect(created).toBe('flunder.wardle.example.com/ssa serverside-applied\n');
      expect((await live('ssa')).metadata.managedFields).toEqual([
        entry('kubectl', 'Apply', {
          'f:metadata': { 'f:labels': { 'f:drop': {}, 'f:keep': {} } },
          'f:spec': { 'f:reference': {}, 'f:referenceType': {} },
        }),
      ]);

      // The changed manifest no longer has the "drop" label: kubectl owned it alone, so it goes.
      const changed = await admin.ok(
        ['apply', '--server-side', '-f', '-'],
        stringify(flunder('ssa', { reference: 'second', referenceType: 'Flunder' }, { keep: 'kept' })),
      );
      expect(changed).toBe('flunder.wardle.example.com/ssa serverside-applied\n');
      const obj = await live('ssa');
      expect(obj.spec).toEqual({ reference: 'second', referenceType: 'Flunder' });
      expect(obj.metadata.labels).toEqual({ keep: 'kept' });
      expect(obj.metadata.managedFields).toEqual([
        entry('kubectl', 'Apply', {
          'f:metadata': { 'f:labels': { 'f:keep': {} } },
          'f:spec': { 'f:reference': {}, 'f:referenceType': {} },
        }),
      ]);
    });

    it('refuses a second manager changing a field kubectl owns, naming both, until --force-conflicts moves it', async () => {
      await admin.ok(
        ['apply', '--server-side', '-f', '-'],
        stringify(flunder('contested', { reference: 'mine', referenceType: 'Flunder' })),
      );
      const theirs = stringify(flunder('contested', { reference: 'theirs' }));

      const refused = await admin.run(['apply', '--server-side', '--field-manager=other', '-f', '-'], theirs);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/Apply failed with 1 conflict: conflict with "kubectl": \.spec\.reference\n/);
      expect((await live('contested')).spec).toEqual({ reference: 'mine', referenceType: 'Flunder' });

      const forced = await admin.ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], theirs);
      expect(forced).toBe('flunder.wardle.example.com/contested serverside-applied\n');
      const obj = await live('contested');
      expect(obj.spec).toEqual({ reference: 'theirs', referenceType: 'Flunder' });
      expect(managerEntry(obj, 'kubectl')).toEqual(entry('kubectl', 'Apply', { 'f:spec': { 'f:referenceType': {} } }));
      expect(managerEntry(obj, 'other')).toEqual(entry('other', 'Apply', { 'f:spec': { 'f:reference': {} } }));
      expect(obj.metadata.managedFields).toHaveLength(2);
    });

    it('diffs a changed manifest with diff --server-side (exit 1), and an unchanged one as no difference (exit 0)', async () => {
      const original = stringify(flunder('diffed', { reference: 'before', referenceType: 'Flunder' }));
      await admin.ok(['apply', '--server-side', '-f', '-'], original);

      const changed = await admin.run(
        ['diff', '--server-side', '-f', '-'],
        stringify(flunder('diffed', { reference: 'after', referenceType: 'Flunder' })),
      );
      expect(errorsIn(changed.stderr)).toBe('');
      expect(changed.code).toBe(1);
      // The field, and generation as it would move (as for a CRD); not resourceVersion: a dry run stores nothing.
      expect(changed.stdout.split('\n').filter((l) => /^[-+] /.test(l))).toEqual([
        '-  generation: 1',
        '+  generation: 2',
        '-  reference: before',
        '+  reference: after',
      ]);

      const same = await admin.run(['diff', '--server-side', '-f', '-'], original);
      expect(errorsIn(same.stderr)).toBe('');
      expect(same).toMatchObject({ code: 0, stdout: '' });
      expect((await live('diffed')).spec.reference).toBe('before');
    });

    it('takes over from client-side apply without conflicts, keeps last-applied in step, and hands back', async () => {
      const v1 = flunder('migrated', { reference: 'client-side', referenceType: 'Flunder' }, { tier: 'one' });
      expect(await admin.ok(['apply', '-f', '-'], stringify(v1))).toBe('flunder.wardle.example.com/migrated created\n');
      const before = await live('migrated');
      expect(JSON.parse(before.metadata.annotations[LAST_APPLIED])).toEqual(clientSideLastApplied(v1));
      expect(before.metadata.managedFields).toEqual([
        entry('kubectl-client-side-apply', 'Update', {
          'f:metadata': {
            'f:annotations': { '.': {}, [`f:${LAST_APPLIED}`]: {} },
            'f:labels': { '.': {}, 'f:tier': {} },
          },
          'f:spec': { 'f:reference': {}, 'f:referenceType': {} },
        }),
      ]);

      // The apply itself must not conflict with kubectl-client-side-apply over spec.reference: the server lets
      // the "kubectl" manager take what the last-applied annotation lists, and rewrites the annotation. Then
      // kubectl saves the annotation as "kubectl-last-applied" and moves kubectl-client-side-apply's fields
      // to its own Apply entry (a JSON patch of managedFields), and applies again. kube-apiserver, given the
      // same steps for a ConfigMap, ends with these two entries (kubectl-last-applied's without a time).
      const v2 = flunder('migrated', { reference: 'server-side', referenceType: 'Flunder' }, { tier: 'one' });
      const ssa = await admin.run(['apply', '--server-side', '-f', '-'], stringify(v2));
      expect(errorsIn(ssa.stderr)).toBe('');
      expect(ssa).toMatchObject({ code: 0, stdout: 'flunder.wardle.example.com/migrated serverside-applied\n' });
      const migrated = await live('migrated');
      expect(migrated.spec).toEqual({ reference: 'server-side', referenceType: 'Flunder' });
      expect(JSON.parse(migrated.metadata.annotations[LAST_APPLIED])).toEqual(v2);
      expect(migrated.metadata.managedFields).toHaveLength(2);
      expect(managerEntry(migrated, 'kubectl-last-applied')).toMatchObject({
        operation: 'Apply',
        fieldsV1: { 'f:metadata': { 'f:annotations': { [`f:${LAST_APPLIED}`]: {} } } },
      });
      expect(managerEntry(migrated, 'kubectl')).toEqual(
        entry('kubectl', 'Apply', {
          'f:metadata': { 'f:labels': { 'f:tier': {} } },
          'f:spec': { 'f:reference': {}, 'f:referenceType': {} },
        }),
      );

      // And back: client-side apply patches from the annotation the server kept.
      const v3 = flunder('migrated', { reference: 'client-side-again', referenceType: 'Flunder' }, { tier: 'two' });
      expect(await admin.ok(['apply', '-f', '-'], stringify(v3))).toBe('flunder.wardle.example.com/migrated configured\n');
      const back = await live('migrated');
      expect(back.spec).toEqual({ reference: 'client-side-again', referenceType: 'Flunder' });
      expect(back.metadata.labels).toEqual({ tier: 'two' });
      expect(JSON.parse(back.metadata.annotations[LAST_APPLIED])).toEqual(clientSideLastApplied(v3));
      // The update takes what it changed (and the annotation) from kubectl; kubectl keeps what did not change.
      expect(back.metadata.managedFields).toHaveLength(2);
      expect(managerEntry(back, 'kubectl')).toEqual(entry('kubectl', 'Apply', { 'f:spec': { 'f:referenceType': {} } }));
      expect(managerEntry(back, 'kubectl-client-side-apply')).toEqual(
        entry('kubectl-client-side-apply', 'Update', {
          'f:metadata': { 'f:annotations': { [`f:${LAST_APPLIED}`]: {} }, 'f:labels': { 'f:tier': {} } },
          'f:spec': { 'f:reference': {} },
        }),
      );
    });
  });

  describe("client-go's dynamic client", () => {
    let binary: string;
    beforeAll(async () => {
      binary = await ensureClientGoApply();
    }, BUILD_TIMEOUT_MS);

    it('applies, re-applies with a field dropped, and gets a Conflict for another manager without force', async () => {
      const r = await exec(binary, [cp.adminKubeconfig, NAMESPACE, 'from-go']);
      expect(r.code, r.stderr).toBe(0);
      const { created, changed, conflict } = JSON.parse(r.stdout);

      expect(created.spec).toEqual({ reference: 'first', referenceType: 'Flunder' });
      expect(created.metadata.labels).toEqual({ keep: 'yes', drop: 'yes' });
      expect(changed.spec).toEqual({ reference: 'second', referenceType: 'Flunder' });
      expect(changed.metadata.labels).toEqual({ keep: 'yes' });
      expect(Number(changed.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
      expect(changed.metadata.managedFields).toEqual([
        entry('client-go-test', 'Apply', {
          'f:metadata': { 'f:labels': { 'f:keep': {} } },
          'f:spec': { 'f:reference': {}, 'f:referenceType': {} },
        }),
      ]);
      expect(conflict).toEqual({
        isConflict: true,
        message: 'Apply failed with 1 conflict: conflict with "client-go-test": .spec.reference',
      });
      expect((await live('from-go')).spec.reference).toBe('second');
    });
  });

  describe('Helm 4', () => {
    const chart = join(import.meta.dirname, 'fixtures', 'flunder-chart');
    const namespace = 'apply-helm';
    // Helm adds its ownership label and annotations to every object before it applies it.
    const helmEntry = entry('helm', 'Apply', {
      'f:metadata': {
        'f:annotations': { 'f:meta.helm.sh/release-name': {}, 'f:meta.helm.sh/release-namespace': {} },
        'f:labels': { 'f:app.kubernetes.io/instance': {}, 'f:app.kubernetes.io/managed-by': {} },
      },
      'f:spec': { 'f:reference': {}, 'f:referenceType': {} },
    });
    let helm: string;
    const runHelm = (args: string[]): Promise<string> =>
      execOk(helm, [...args, '--kubeconfig', cp.adminKubeconfig, '--namespace', namespace], { timeoutMs: 120_000 });

    beforeAll(async () => {
      helm = await ensureHelm4();
    }, BUILD_TIMEOUT_MS);

    it('installs with server-side apply as "helm", and upgrades: a changed value applied, a removed Flunder deleted', async () => {
      await runHelm(['install', 'flunders', chart, '--create-namespace']);
      expect(await runHelm(['get', 'metadata', 'flunders'])).toMatch(/^APPLY_METHOD: server-side apply$/m);
      for (const name of ['alpha', 'beta']) {
        const obj = await live(name, namespace);
        expect(obj.spec).toEqual({ reference: `${name}-ref`, referenceType: 'Flunder' });
        expect(obj.metadata.managedFields).toEqual([helmEntry]);
      }

      await runHelm(['upgrade', 'flunders', chart, '--set-json', 'flunders=[{"name":"alpha","reference":"alpha-changed"}]']);
      const alpha = await live('alpha', namespace);
      expect(alpha.spec).toEqual({ reference: 'alpha-changed', referenceType: 'Flunder' });
      expect(alpha.metadata.managedFields).toEqual([helmEntry]);
      const beta = await admin.run(['get', FLUNDERS, 'beta', '-n', namespace]);
      expect(beta.code).toBe(1);
      expect(beta.stderr).toMatch(/\(NotFound\): flunders.wardle.example.com "beta" not found/);
    });
  });
});
