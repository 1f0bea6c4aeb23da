/**
 * `aggregated-apiserver doctor`: why an APIService is not Available, checked from outside with a kubeconfig.
 * Prints one line per check (OK / WARN / FAIL with the command that fixes it); exits 0 only when no check
 * failed.
 */
import type { Command } from 'commander';
import { Cluster } from '../server/cluster-client.js';

interface DoctorFlags {
  kubeconfig?: string;
  apiservice: string[];
  group?: string;
  output: string;
}

export function addDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('diagnose why an APIService is not Available: Service, endpoints, certificate, RBAC, front-proxy trust, discovery')
    .option('--kubeconfig <path>', 'kubeconfig of a cluster admin (default: $KUBECONFIG or ~/.kube/config)')
    .option(
      '--apiservice <name>',
      'an APIService to check (repeatable; default: every APIService served by a Service)',
      (v, acc: string[]) => [...acc, v],
      [],
    )
    .option('--group <group>', 'check only the APIServices of this API group')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (flags: DoctorFlags) => {
      if (flags.output !== 'text' && flags.output !== 'json') throw new Error(`--output must be text or json, not ${flags.output}`);
      // Loaded here, not at start: the server's own start-up never runs the checks.
      const [{ diagnose }, { formatText }] = await Promise.all([import('../doctor/doctor.js'), import('../doctor/report.js')]);
      const report = await diagnose(await Cluster.load(flags.kubeconfig), { apiServices: flags.apiservice, group: flags.group });
      process.stdout.write(flags.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatText(report));
      process.exitCode = report.healthy ? 0 : 1;
    });
}
