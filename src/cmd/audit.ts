/** The audit configuration of the flags: a policy file and a log path, both needed to audit anything. */
import { LogBackend } from '../audit/log-backend.js';
import { loadPolicy } from '../audit/policy.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ChainConfig } from '../server/chain.js';
import type { Options } from './options.js';

export async function auditConfig(opts: Options, metrics: Metrics): Promise<ChainConfig['audit']> {
  if (!opts.auditPolicyFile || !opts.auditLogPath) return undefined;
  const policy = await loadPolicy(opts.auditPolicyFile);
  const backend = new LogBackend({
    path: opts.auditLogPath, maxSizeMB: opts.auditLogMaxsize, maxBackups: opts.auditLogMaxbackup, maxAgeDays: opts.auditLogMaxage,
  }, (msg, err) => {
    metrics.auditErrors.inc({ plugin: 'log' });
    process.stderr.write(`${msg}: ${err instanceof Error ? err.message : String(err)}\n`);
  });
  return { policy, backend };
}
