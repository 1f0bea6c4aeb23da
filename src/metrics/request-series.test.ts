import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestCounter, RequestHistogram } from './request-series.js';

const BUCKETS = [0.005, 0.025, 0.1, 1];
const LABELS = ['verb', 'resource', 'code'] as const;

describe('the per-request series', () => {
  it("render and export exactly as prom-client's own Counter and Histogram, for the same observations", async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const counter = new Counter({ name: 'c_total', help: 'a counter', labelNames: [...LABELS], registers: [theirs] });
    const histogram = new Histogram({
      name: 'h_seconds',
      help: 'a histogram',
      labelNames: [...LABELS],
      buckets: BUCKETS,
      registers: [theirs],
    });
    const fastCounter = new RequestCounter('c_total', 'a counter', LABELS, ours);
    const fastHistogram = new RequestHistogram('h_seconds', 'a histogram', LABELS, BUCKETS, ours);
    const observations: [string[], number][] = [
      [['GET', 'flunders', '200'], 0.001],
      [['GET', 'flunders', '200'], 0.03],
      [['LIST', 'flunders', '200'], 0.3],
      [['GET', 'flunders', '404'], 2.5],
      [['GET', 'flunders', '200'], 0.005],
      [['POST', 'fischers', '201'], 0.1],
    ];
    for (const [values, seconds] of observations) {
      const labels = Object.fromEntries(LABELS.map((n, i) => [n, values[i] as string]));
      counter.inc(labels);
      histogram.observe(labels, seconds);
      fastCounter.inc(values);
      fastHistogram.observe(values, seconds);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    // As JSON too, but for the exemplars prom-client's carry (null: it records none here).
    const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'exemplar' ? undefined : v)));
    expect(plain(await ours.getMetricsAsJSON())).toEqual(plain(await theirs.getMetricsAsJSON()));
    ours.resetMetrics();
    theirs.resetMetrics();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});
