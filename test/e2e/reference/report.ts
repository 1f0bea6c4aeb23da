/**
 * What a run of the reference diff prints (the agreement figure and one row per difference) and, on
 * request, writes: every differing request with both answers side by side, grouped by topic.
 */
import type { Allowance, Classified, Comparison } from './classify.js';
import { causesOf, statusOf, type Answer } from './diff.js';
import type { SequenceResult } from './runner.js';

const clip = (s: string, n: number): string => {
  // Whitespace to one line; control bytes (a protobuf body) to U+FFFD, so the report stays text.
  const one = [...s.replace(/\s+/g, ' ')].map((c) => ((c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f' ? '\ufffd' : c)).join('');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

/** A plain-text table, one row per difference. */
export function differencesTable(rows: Classified[]): string {
  if (rows.length === 0) return '(no differences)';
  const cells = rows.map((d) => [
    d.verdict,
    d.comparison,
    d.request,
    d.path ? `${d.aspect} ${d.path}` : d.aspect,
    clip(d.reference, 50),
    clip(d.ours, 50),
  ]);
  const header = ['verdict', 'reference', 'request', 'aspect', 'reference says', 'we say'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]): string =>
    c
      .map((v, i) => v.padEnd(widths[i] as number))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)].join('\n');
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function summary(a: Answer): { status: string; reason: string; message: string; causes: string; warning: string } {
  const st = statusOf(a.body);
  const warning = a.headers.warning;
  return {
    status: String(a.status),
    reason: String(st?.reason ?? ''),
    // Not a Status: the text of an error answer (a plain-text 404, another document) says what it was.
    message: clip(String(st?.message ?? (a.body === undefined || a.status >= 400 ? a.text : '')), 300),
    causes: causesOf(a.body),
    warning: clip(Array.isArray(warning) ? warning.join(', ') : (warning ?? ''), 200),
  };
}

const SHOWN_PER_ALLOWANCE = 6;

/** One line per request an allowance covers: both answers side by side. */
function byAllowance(title: string, allowances: Allowance[], results: SequenceResult[], rows: Classified[]): string[] {
  const out = [`## ${title}`, ''];
  for (const a of allowances) {
    const mine = rows.filter((r) => r.allowance === a);
    if (mine.length === 0) continue;
    out.push(`### ${a.why}`, '', '| reference | request | reference says | we say | differing |', '|---|---|---|---|---|');
    const keys = [...new Set(mine.map((r) => `${r.comparison}\u0000${r.request}`))];
    // A difference of every answer (a missing header) reads best as a count and a few examples.
    const shown = keys.length > SHOWN_PER_ALLOWANCE + 2 ? keys.slice(0, SHOWN_PER_ALLOWANCE) : keys;
    for (const key of shown) {
      const [comparison, request] = key.split('\u0000') as [Comparison, string];
      const e = results.find((r) => r.comparison === comparison)?.exchanges.find((x) => x.spec.name === request);
      if (!e) continue;
      const [ref, our] = [summary(e.reference), summary(e.ours)];
      const side = (x: typeof ref): string =>
        cell([x.status, x.reason, x.causes && `causes: ${x.causes}`, x.message && `"${clip(x.message, 160)}"`].filter(Boolean).join(' '));
      const what = mine
        .filter((r) => r.comparison === comparison && r.request === request)
        .map((r) => (r.path ? `${r.aspect} \`${r.path}\`` : r.aspect));
      out.push(`| ${comparison} | ${cell(request)} | ${side(ref)} | ${side(our)} | ${cell(what.join(', '))} |`);
    }
    if (shown.length < keys.length) out.push(`| | … and ${keys.length - shown.length} more requests | | | |`);
    out.push('');
  }
  return out;
}

/**
 * Markdown: the agreement figures, each known defect and each expected difference with the requests it
 * covers (both answers side by side), then every differing request in full, by topic.
 */
export function markdownReport(
  results: SequenceResult[],
  classified: Classified[],
  figures: string[],
  lists: { expected: Allowance[]; knownDefects: Allowance[] },
): string {
  const out: string[] = ['# Reference diff', '', ...figures.map((f) => `- ${f}`), ''];
  const fresh = classified.filter((d) => d.verdict === 'NEW');
  if (fresh.length > 0) out.push('## New differences (in no list)', '', '```', differencesTable(fresh), '```', '');
  out.push(...byAllowance('Known defects', lists.knownDefects, results, classified));
  out.push(...byAllowance('Expected differences', lists.expected, results, classified));
  out.push('## Every differing request, by topic', '');
  for (const r of results) {
    const mine = classified.filter((d) => d.comparison === r.comparison);
    out.push(`### Against ${r.comparison}`, '');
    const topics = [...new Set(r.exchanges.map((e) => e.spec.topic))];
    for (const topic of topics) {
      const exchanges = r.exchanges.filter((e) => e.spec.topic === topic && mine.some((d) => d.request === e.spec.name));
      if (exchanges.length === 0) continue;
      out.push(`#### ${topic}`, '');
      for (const e of exchanges) {
        const ds = mine.filter((d) => d.request === e.spec.name);
        const [ref, our] = [summary(e.reference), summary(e.ours)];
        out.push(
          `##### ${e.spec.name}`,
          '',
          `\`${e.method} ${e.path}\``,
          '',
          '| | reference | ours |',
          '|---|---|---|',
          ...(['status', 'reason', 'message', 'causes', 'warning'] as const)
            .filter((k) => ref[k] || our[k])
            .map((k) => `| ${k} | ${cell(ref[k])} | ${cell(our[k])} |`),
          '',
          '| verdict | aspect | reference | ours |',
          '|---|---|---|---|',
          ...ds.map(
            (d) =>
              `| ${d.verdict} | ${d.aspect}${d.path ? ` \`${d.path}\`` : ''} | ${cell(clip(d.reference, 200))} | ${cell(clip(d.ours, 200))} |`,
          ),
          '',
        );
      }
    }
  }
  return out.join('\n');
}
