/** The command line: `serve` (in a cluster), `local` (on a laptop), `backup`, `restore`, `doctor` and `version`, one file per subcommand. */
import { Command } from 'commander';
import { addBackupCommand } from './backup.js';
import { addDoctorCommand } from './doctor.js';
import { addLocalCommand } from './local.js';
import { addRestoreCommand } from './restore.js';
import { addServeCommand } from './serve.js';
import { packageVersion } from '../version/version.js';
import { addVersionCommand } from './version.js';

export function newCommand(): Command {
  const program = new Command('aggregated-apiserver')
    .description('A Kubernetes aggregated (extension) apiserver serving CRD-defined API groups from its own storage')
    .version(packageVersion())
    .showHelpAfterError();
  addServeCommand(program);
  addLocalCommand(program);
  addBackupCommand(program);
  addRestoreCommand(program);
  addDoctorCommand(program);
  addVersionCommand(program);
  return program;
}
