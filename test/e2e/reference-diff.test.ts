/**
 * The reference diff: the same requests to a Go reference and to our server, answers compared (status,
 * Status reason and causes, Content-Type, Warning, Cache-Control, body shape). wardle.example.com against
 * the Go sample-apiserver; a CRD-format group of the tests' own against kube-apiserver serving it as a CRD.
 * Fails only on a difference that is neither expected by design nor a listed known defect.
 * REFDIFF_REPORT=<file> writes every difference, both answers side by side, as Markdown.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/client.js';
import { ensureSampleApiserver } from './components.js';
import type { ControlPlane } from './control-plane.js';
import { eventually } from './process.js';
import { EXPECTED_DIFFERENCES, KNOWN_DEFECTS } from './reference/allow-list.js';
import { agreement, type Classified, classify, unused } from './reference/classify.js';
import { differencesTable, markdownReport } from './reference/report.js';
import { runSequence, type SequenceResult, type Target } from './reference/runner.js';
import { requestSequence } from './reference/sequence.js';
import { kubeApiserverTarget, type RunningServer, startOurServer, startSampleApiserver } from './reference/servers.js';
import { applyRequests } from './reference/apply.js';
import { validationRequests } from './reference/validation.js';
import { wardle, wardleRequests, widgetRequests, widgets, WIDGETS_CRD } from './reference/subjects.js';
import { BUILD_TIMEOUT_MS, skipE2E, startControlPlane } from './suite.js';

let cp: ControlPlane;

/** deploy/policies/ban-flunder.yaml with failurePolicy Ignore, written beside the control plane. */
async function banFlunderIgnoringErrors(dir: string): Promise<string> {
  const text = await readFile(join(import.meta.dirname, '..', '..', 'deploy', 'policies', 'ban-flunder.yaml'), 'utf8');
  const file = join(dir, 'ban-flunder-ignore.yaml');
  await writeFile(file, text.replace('failurePolicy: Fail', 'failurePolicy: Ignore'));
  return file;
}
const servers: RunningServer[] = [];
let sample: RunningServer;
let oursWardle: RunningServer;
let oursWidgets: RunningServer;
let kubeApiserver: Target;
const results: SequenceResult[] = [];
const classified: Classified[] = [];
const figures: string[] = [];

/** Prints the agreement and the table, and fails on any difference that no allow-list covers. */
function judge(result: SequenceResult, requests: string[]): void {
  const rows = classify(result.differences, EXPECTED_DIFFERENCES, KNOWN_DEFECTS);
  classified.push(...rows);
  const figure = agreement(result.comparison, requests, rows);
  figures.push(figure.text);
  const counts = (['expected', 'known defect', 'NEW'] as const).map((v) => `${rows.filter((r) => r.verdict === v).length} ${v}`).join(', ');
  // The figures and any new difference; every row, with both answers, goes to REFDIFF_REPORT.
  const fresh = rows.filter((r) => r.verdict === 'NEW');
  process.stdout.write(`\n${figure.text}; differences: ${counts}\n${fresh.length > 0 ? `${differencesTable(fresh)}\n` : ''}`);
  expect(fresh, `differences in neither EXPECTED_DIFFERENCES nor KNOWN_DEFECTS:\n${differencesTable(fresh)}`).toEqual([]);
}

describe.skipIf(skipE2E)('reference diff', () => {
  beforeAll(async () => {
    cp = await startControlPlane('refdiff');
    // After kube-apiserver: the sample-apiserver's first build reuses its compiled packages.
    const sampleBinary = await ensureSampleApiserver();
    const admin = cp.kubectl();
    for (const ns of new Set([
      wardle.namespace,
      wardle.listNamespace,
      wardle.largeNamespace,
      widgets.namespace,
      widgets.listNamespace,
      widgets.largeNamespace,
    ]))
      await admin.ok(['create', 'namespace', ns]);
    await admin.ok(['apply', '-f', WIDGETS_CRD]);
    // The sample's BanFlunder plugin as we ship it, a ValidatingAdmissionPolicy. The sample-apiserver reads the
    // cluster's policies too, and with no APIService here cannot resolve its Fischer paramKind: Ignore keeps
    // that configuration error from refusing its other Flunders, as a false validation still refuses ours.
    await admin.ok(['apply', '-f', await banFlunderIgnoringErrors(cp.dir)]);
    await admin.ok(['wait', '--for=condition=Established', '--timeout=60s', 'crd/widgets.shop.example.com']);
    kubeApiserver = await kubeApiserverTarget(cp);
    // The CRD's OpenAPI is published a moment after it is Established.
    await eventually(
      'kube-apiserver to publish the CRD in OpenAPI v3',
      async () => {
        const res = await call(cp.url, kubeApiserver.id, 'GET', '/openapi/v3');
        return res.json?.paths?.['apis/shop.example.com/v1'] ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    [sample, oursWardle, oursWidgets] = await Promise.all([
      startSampleApiserver(cp, sampleBinary, cp.dir),
      startOurServer(cp, cp.dir, 'ours-wardle'),
      startOurServer(cp, cp.dir, 'ours-widgets', [WIDGETS_CRD]),
    ]);
    servers.push(sample, oursWardle, oursWidgets);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    const stale = [...unused(EXPECTED_DIFFERENCES, classified), ...unused(KNOWN_DEFECTS, classified)];
    if (results.length === 2 && stale.length > 0) {
      process.stdout.write(
        `\nallow-list entries that matched nothing (fixed, or stale):\n${stale.map((a) => `  ${String(a.request)} ${a.aspect ?? ''} ${String(a.path ?? '')}: ${a.why}`).join('\n')}\n`,
      );
    }
    if (process.env.REFDIFF_REPORT && results.length > 0) {
      await writeFile(
        process.env.REFDIFF_REPORT,
        markdownReport(results, classified, figures, { expected: EXPECTED_DIFFERENCES, knownDefects: KNOWN_DEFECTS }),
      );
    }
    await Promise.all(servers.map((s) => s.process.stop()));
    await cp?.stop();
  });

  it('runs the Go sample-apiserver: a Flunder created through it reads back, defaulted', async () => {
    const { target } = sample;
    const path = `/apis/wardle.example.com/v1alpha1/namespaces/${wardle.namespace}/flunders`;
    const created = await call(target.url, target.id, 'POST', path, wardle.object('v1alpha1', 'smoke'), target.headers);
    expect(created.status, created.text).toBe(201);
    const got = await call(target.url, target.id, 'GET', `${path}/smoke`, undefined, target.headers);
    expect(got.status, got.text).toBe(200);
    expect(got.json).toMatchObject({
      kind: 'Flunder',
      metadata: { name: 'smoke', uid: created.json.metadata.uid },
      spec: { reference: 'other', referenceType: 'Flunder' },
    });
    expect((await call(target.url, target.id, 'DELETE', `${path}/smoke`, undefined, target.headers)).status).toBe(200);
  });

  it('answers wardle.example.com as the Go sample-apiserver does', async () => {
    const specs = [...requestSequence(wardle), ...wardleRequests()];
    const result = await runSequence('sample-apiserver', sample.target, oursWardle.target, specs);
    results.push(result);
    judge(
      result,
      specs.map((s) => s.name),
    );
  }, 300_000);

  it('answers a CRD-format group as kube-apiserver serves the same CRD', async () => {
    const specs = [...requestSequence(widgets), ...widgetRequests(), ...applyRequests(), ...validationRequests()];
    const result = await runSequence('kube-apiserver', kubeApiserver, oursWidgets.target, specs);
    results.push(result);
    judge(
      result,
      specs.map((s) => s.name),
    );
  }, 300_000);
});
