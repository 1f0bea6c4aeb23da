/** The command line: `serve` (in a cluster), `local` (on a laptop), `backup` and `restore`, one file per subcommand. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { addBackupCommand } from './backup.js';
import { addDoctorCommand } from './doctor.js';
import { addLocalCommand } from './local.js';
import { addRestoreCommand } from './restore.js';
import { addServeCommand } from './serve.js';
import { addVersionCommand } from './version.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function newCommand(): Command {
  const program = new Command('aggregated-apiserver')
    .description('A Kubernetes aggregated (extension) apiserver serving CRD-defined API groups from its own storage')
    .version(version())
    .showHelpAfterError();
  addServeCommand(program);
  addLocalCommand(program);
  addBackupCommand(program);
  addRestoreCommand(program);
  addDoctorCommand(program);
  addVersionCommand(program);
  return program;
}
