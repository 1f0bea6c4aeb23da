/**
 * The chart's monitoring (off by default): the PrometheusRule and the Grafana dashboard render and lint with
 * the real helm; every PromQL expression parses with Prometheus' own parser (lezer-promql), and names only
 * metrics and labels the server exports (its prom-client registry) or the few the kube-apiserver and
 * Prometheus themselves give, listed here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/metrics.js';
import { ensureHelm } from '../tools/helm.js';
import { byKind, chartDir, execOk, one, renderChart, type Obj } from './manifests.js';

const MONITORING = 'ci/monitoring-values.yaml';

/** Series not of the server's making, with the labels the expressions may match on. */
const KNOWN_ELSEWHERE: Record<string, string[]> = {
  // kube-apiserver (k8s.io/kube-aggregator/pkg/controllers/status/metrics): 1 while an APIService is unavailable.
  aggregator_unavailable_apiservice: ['name'],
  // Prometheus' own, per scrape target.
  up: [],
};
/** Labels every scraped series has, given by Prometheus (job, instance) or the operator's ServiceMonitor. */
const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'service', 'endpoint'];

/** Every series name the server exports, with its labels (a histogram's _bucket, _sum and _count too). */
function exported(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of new Metrics().registry.getMetricsAsArray()) {
    const { name, labelNames, type } = m as unknown as { name: string; labelNames: string[]; type: string };
    out.set(name, labelNames);
    if (type === 'histogram') {
      out.set(`${name}_bucket`, [...labelNames, 'le']);
      out.set(`${name}_sum`, labelNames);
      out.set(`${name}_count`, labelNames);
    }
  }
  for (const [name, labels] of Object.entries(KNOWN_ELSEWHERE)) out.set(name, labels);
  return out;
}

/** Grafana's variables, replaced by what they stand for at query time. */
const withoutGrafanaVariables = (expr: string): string => expr.replaceAll('$__rate_interval', '5m').replaceAll('$__range', '1h');

interface Selector {
  metric: string;
  labels: string[];
}

/** Parses a PromQL expression (throwing at the first syntax error) and returns its vector selectors. */
function selectors(expr: string): Selector[] {
  const tree = parser.parse(expr);
  const errors: number[] = [];
  const found: Selector[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(n.from);
      if (n.name === 'VectorSelector') {
        const node: SyntaxNode = n.node;
        const id = node.getChild('Identifier');
        const labels = (node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []).map((m) => {
          const name = m.getChild('LabelName');
          return name ? expr.slice(name.from, name.to) : '';
        });
        found.push({ metric: id ? expr.slice(id.from, id.to) : '', labels });
      }
    },
  });
  if (errors.length > 0) throw new Error(`PromQL syntax error at ${errors[0]} in: ${expr}`);
  return found;
}

/** Throws unless every selector names an exported metric, by name, and only its labels. */
function checkNames(expr: string, metrics: Map<string, string[]>): void {
  for (const s of selectors(expr)) {
    expect(s.metric, `a selector without a metric name in: ${expr}`).not.toBe('');
    const labels = metrics.get(s.metric);
    expect(labels, `${s.metric} is neither exported by the server nor listed in KNOWN_ELSEWHERE (${expr})`).toBeDefined();
    for (const l of s.labels) expect([...(labels ?? []), ...TARGET_LABELS], `${s.metric} has no label ${l} (${expr})`).toContain(l);
  }
}

let helm: string;
beforeAll(async () => {
  helm = await ensureHelm();
}, 15 * 60_000);

describe('chart monitoring', () => {
  it('renders neither the PrometheusRule nor the dashboard by default', async () => {
    const objs = await renderChart(helm);
    expect(byKind(objs, 'PrometheusRule')).toEqual([]);
    expect(byKind(objs, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard)).toEqual([]);
  });

  it('lints --strict with both enabled', async () => {
    await execOk(helm, ['lint', '--strict', chartDir, '--values', join(chartDir, MONITORING)]);
  });

  describe('with both enabled', () => {
    let objs: Obj[];
    beforeAll(async () => {
      objs = await renderChart(helm, [MONITORING]);
    });
    const dashboard = (): Obj => {
      const cm = one(objs, 'ConfigMap', 'release-aggregated-apiserver-dashboard');
      return JSON.parse(cm.data['aggregated-apiserver.json']);
    };

    it('labels the rule for the operator and the dashboard for the Grafana sidecar', () => {
      const rule = one(objs, 'PrometheusRule');
      expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(rule.metadata).toMatchObject({ namespace: 'aas', labels: { release: 'kube-prometheus-stack' } });
      const cm = one(objs, 'ConfigMap', 'release-aggregated-apiserver-dashboard');
      expect(cm.metadata.labels.grafana_dashboard).toBe('1');
      expect(cm.metadata.annotations).toEqual({ grafana_folder: 'Kubernetes' });
      expect(cm.data['aggregated-apiserver.json']).toBe(
        readFileSync(join(chartDir, 'dashboards', 'aggregated-apiserver.json'), 'utf8').trimEnd(),
      );
    });

    it('alerts on what the operator must act on, each with a severity, summary and description', () => {
      const rules: Obj[] = one(objs, 'PrometheusRule').spec.groups.flatMap((g: Obj) => g.rules);
      expect([...new Set(rules.map((r) => r.alert))]).toEqual([
        'AggregatedAPIServerDown',
        'AggregatedAPIServerAPIServiceUnavailable',
        'AggregatedAPIServerDelegatedAuthenticationErrors',
        'AggregatedAPIServerDelegatedAuthorizationErrors',
        'AggregatedAPIServerStorageErrors',
        'AggregatedAPIServerErrors',
        'AggregatedAPIServerTooManyRequests',
        'AggregatedAPIServerCertificateExpiry',
      ]);
      for (const r of rules) {
        expect(['warning', 'critical']).toContain(r.labels.severity);
        expect(r.annotations.summary && r.annotations.description).toBeTruthy();
      }
      const unavailable = rules.find((r) => r.alert === 'AggregatedAPIServerAPIServiceUnavailable')!;
      expect(unavailable.expr).toContain('name=~"v1alpha1.wardle.example.com|v1beta1.wardle.example.com"');
      const expiry = rules.filter((r) => r.alert === 'AggregatedAPIServerCertificateExpiry').map((r) => [r.labels.severity, r.expr]);
      expect(expiry).toEqual([
        ['warning', expect.stringMatching(/- time\(\) < 30 \* 86400$/)],
        ['critical', expect.stringMatching(/- time\(\) < 7 \* 86400$/)],
      ]);
    });

    it('writes rules whose PromQL parses and names only exported metrics and labels', () => {
      const metrics = exported();
      const rules: Obj[] = one(objs, 'PrometheusRule').spec.groups.flatMap((g: Obj) => g.rules);
      for (const r of rules) checkNames(r.expr, metrics);
    });

    it('has a dashboard of unique panel ids, whose queries parse and name only exported metrics and labels', () => {
      const d = dashboard();
      const panels: Obj[] = d.panels;
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const titles = panels.map((p) => p.title);
      for (const want of [
        /Requests by verb and resource/,
        /Latency/,
        /Errors/,
        /In-flight/,
        /cache hit ratio/,
        /Audit/,
        /Certificate days left/,
      ]) {
        expect(
          titles.some((t) => want.test(t)),
          String(want),
        ).toBe(true);
      }
      const metrics = exported();
      const exprs = panels.flatMap((p) => (p.targets as Obj[]).map((t) => t.expr as string));
      expect(exprs.length).toBeGreaterThanOrEqual(panels.length);
      for (const e of exprs) checkNames(withoutGrafanaVariables(e), metrics);
      // The job variable lists the jobs exporting a metric only this server has.
      const job = d.templating.list.find((v: Obj) => v.name === 'job');
      const m = /^label_values\((\w+), job\)$/.exec(job.definition);
      expect(m && metrics.has(m[1]!) && !(m[1]! in KNOWN_ELSEWHERE)).toBe(true);
    });

    it('catches what it is meant to catch: a syntax error, an unknown metric, an unknown label', () => {
      const metrics = exported();
      expect(() => checkNames('sum(rate(apiserver_request_total[5m]) by', metrics)).toThrow(/syntax error/);
      expect(() => checkNames('rate(apiserver_requests_total[5m])', metrics)).toThrow(/neither exported/);
      expect(() => checkNames('apiserver_current_inflight_requests{kind="x"}', metrics)).toThrow(/has no label kind/);
    });
  });
});
