/**
 * The audit log (`pkg/server/options/audit.go`): a policy file and a log path, both needed to audit
 * anything, and the log's rotation.
 */
import type { Command } from 'commander';
import { LogBackend } from '../../audit/log-backend.js';
import { loadPolicy } from '../../audit/policy.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { ChainConfig } from '../../server/chain.js';
import { int } from './parse.js';

export class AuditOptions {
  auditPolicyFile: string | undefined = undefined;
  auditLogPath: string | undefined = undefined;
  auditLogMaxage = 0;
  auditLogMaxbackup = 0;
  auditLogMaxsize = 0;

  addFlags(cmd: Command): void {
    cmd
      .option('--audit-policy-file <path>', 'path to the file that defines the audit policy configuration')
      .option('--audit-log-path <path>', 'if set, all requests coming to the apiserver will be logged to this file; "-" means standard out')
      .option('--audit-log-maxage <days>', 'maximum number of days to retain old audit log files (0: no limit)', int, this.auditLogMaxage)
      .option('--audit-log-maxbackup <n>', 'maximum number of old audit log files to retain (0: no limit)', int, this.auditLogMaxbackup)
      .option(
        '--audit-log-maxsize <mb>',
        'maximum size in megabytes of the audit log file before it gets rotated (0: no rotation)',
        int,
        this.auditLogMaxsize,
      );
  }

  /** The policy, read now, and the log; undefined without both flags. A failed write is counted and reported, never fatal. */
  async toConfig(metrics: Metrics): Promise<ChainConfig['audit']> {
    if (!this.auditPolicyFile || !this.auditLogPath) return undefined;
    const policy = await loadPolicy(this.auditPolicyFile);
    const backend = new LogBackend(
      {
        path: this.auditLogPath,
        maxSizeMB: this.auditLogMaxsize,
        maxBackups: this.auditLogMaxbackup,
        maxAgeDays: this.auditLogMaxage,
      },
      (msg, err) => {
        metrics.auditErrors.inc({ plugin: 'log' });
        process.stderr.write(`${msg}: ${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
    return { policy, backend };
  }
}
