/** The command line: `serve` (in a cluster) and `local` (on a laptop), as DESIGN.md describes. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { runLocal } from './local.js';
import { addCommonFlags, addServeFlags, type Options } from './options.js';
import { runServe } from './serve.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function newCommand(): Command {
  const program = new Command('aggregated-apiserver')
    .description('A Kubernetes aggregated (extension) apiserver serving CRD-defined API groups from its own storage')
    .version(version())
    .showHelpAfterError();
  addServeFlags(program.command('serve'))
    .description('serve in a cluster: delegated authentication and authorization through the kube-apiserver')
    .action((opts: Options) => runServe(opts));
  addCommonFlags(program.command('local'), { securePort: 8443, bindAddress: '127.0.0.1' })
    .description('serve on this machine with no cluster: a local CA, client-certificate authentication, embedded storage')
    .action((opts: Options) => runLocal(opts));
  return program;
}
