/**
 * Sorts differences into expected (by design, justified), known defects (to be fixed) and new ones, and
 * computes the agreement figure the suite prints.
 */
import type { Aspect, Difference } from './diff.js';

/** Which reference a comparison runs against. */
export type Comparison = 'sample-apiserver' | 'kube-apiserver';

export interface Allowance {
  /** Both comparisons when left out. */
  comparison?: Comparison;
  /** The request's name, or a pattern over names. */
  request: string | RegExp;
  /** Every aspect when left out. */
  aspect?: Aspect | Aspect[];
  /** For body and warning differences: the path (or the kind of warning); every path when left out. */
  path?: string | RegExp;
  /** What the reference says and what we say, when only a particular answer is allowed. */
  reference?: string | RegExp;
  ours?: string | RegExp;
  /** One line: why the difference is right (expected) or what is wrong (known defect). */
  why: string;
}

export interface ComparedDifference extends Difference {
  comparison: Comparison;
}

export type Verdict = 'expected' | 'known defect' | 'NEW';

export interface Classified extends ComparedDifference {
  verdict: Verdict;
  /** The allowance that covers it, if any. */
  allowance?: Allowance;
  why?: string;
}

const matches = (pattern: string | RegExp, value: string): boolean =>
  typeof pattern === 'string' ? pattern === value : pattern.test(value);

export function allows(a: Allowance, d: ComparedDifference): boolean {
  return (
    (a.comparison === undefined || a.comparison === d.comparison) &&
    matches(a.request, d.request) &&
    (a.aspect === undefined || (Array.isArray(a.aspect) ? a.aspect.includes(d.aspect) : a.aspect === d.aspect)) &&
    (a.path === undefined || (d.path !== undefined && matches(a.path, d.path))) &&
    (a.reference === undefined || matches(a.reference, d.reference)) &&
    (a.ours === undefined || matches(a.ours, d.ours))
  );
}

/** The first expected difference that covers it wins over a known defect: a design choice is not a bug. */
export function classify(diffs: ComparedDifference[], expected: Allowance[], knownDefects: Allowance[]): Classified[] {
  return diffs.map((d) => {
    const e = expected.find((a) => allows(a, d));
    if (e) return { ...d, verdict: 'expected', allowance: e, why: e.why };
    const k = knownDefects.find((a) => allows(a, d));
    if (k) return { ...d, verdict: 'known defect', allowance: k, why: k.why };
    return { ...d, verdict: 'NEW' };
  });
}

/** Allowances that covered nothing in this run: fixed defects to remove, or entries that went stale. */
export function unused(allowances: Allowance[], diffs: ComparedDifference[]): Allowance[] {
  return allowances.filter((a) => !diffs.some((d) => allows(a, d)));
}

export interface Agreement {
  agree: number;
  /** Requests whose only differences are expected ones (agreeing ones included). */
  agreeButExpected: number;
  total: number;
  text: string;
}

const pct = (n: number, of: number): string => `${(of === 0 ? 100 : (100 * n) / of).toFixed(1)}%`;

/** A request agrees when its answers do not differ at all, allowed or not. */
export function agreement(label: string, requests: string[], rows: Classified[]): Agreement {
  const differing = new Set(rows.map((d) => d.request));
  const unexpected = new Set(rows.filter((d) => d.verdict !== 'expected').map((d) => d.request));
  const agree = requests.filter((r) => !differing.has(r)).length;
  const agreeButExpected = requests.filter((r) => !unexpected.has(r)).length;
  // What is left once the listed known defects (features of later issues) are set aside too: every NEW difference.
  const fresh = new Set(rows.filter((d) => d.verdict === 'NEW').map((d) => d.request));
  const agreeButListed = requests.filter((r) => !fresh.has(r)).length;
  const total = requests.length;
  return {
    agree,
    agreeButExpected,
    total,
    text:
      `${label}: ${agree} of ${total} requests agree (${pct(agree, total)}); ${agreeButExpected} of ${total} (${pct(agreeButExpected, total)}) once expected differences are set aside; ` +
      `${agreeButListed} of ${total} (${pct(agreeButListed, total)}) once the known defects are set aside too`,
  };
}
