/**
 * What `doctor` found: one check per line, each OK, a warning, or a failure with its cause and the command
 * that fixes it; as text for a person or JSON for automation.
 */
export type Outcome = 'ok' | 'warn' | 'fail';

export interface Check {
  /** What was checked: apiservice, service, endpoints, certificate, rbac, authentication, discovery, version, kubectl-cache. */
  check: string;
  /** The object it was checked on: `apiservice/v1alpha1.wardle.example.com`, `service/ns/name`. */
  subject: string;
  outcome: Outcome;
  message: string;
  /** The command (or step) that fixes a failure or warning. */
  fix?: string;
}

export interface Report {
  /** False when any check failed; warnings (a certificate expiring within 30 days) leave it healthy. */
  healthy: boolean;
  checks: Check[];
}

export function reportOf(checks: Check[]): Report {
  return { healthy: checks.every((c) => c.outcome !== 'fail'), checks };
}

const LABEL: Record<Outcome, string> = { ok: 'OK', warn: 'WARN', fail: 'FAIL' };

export function formatText(report: Report): string {
  const lines = report.checks.flatMap((c) => {
    const head = `${LABEL[c.outcome].padEnd(5)} ${c.check.padEnd(15)} ${c.subject}: ${c.message}`;
    return c.fix ? [head, `      fix: ${c.fix}`] : [head];
  });
  const failed = report.checks.filter((c) => c.outcome === 'fail').length;
  const warned = report.checks.filter((c) => c.outcome === 'warn').length;
  lines.push(report.healthy ? `healthy (${warned} warnings)` : `unhealthy: ${failed} failed, ${warned} warnings`);
  return `${lines.join('\n')}\n`;
}

const checkOf =
  (outcome: Outcome) =>
  (check: string, subject: string, message: string, fix?: string): Check => ({ check, subject, outcome, message, ...(fix ? { fix } : {}) });

export const ok = checkOf('ok');
export const warn = checkOf('warn');
export const fail = checkOf('fail');
