/**
 * `aggregated-apiserver version`: this build's version, commit, build date, Node version and platform; with
 * `-o json|yaml` the `version.Info` object that /version serves, as `kubectl version -o` prints its own.
 */
import { type Command, Option } from 'commander';
import { stringify } from 'yaml';
import { type Info, versionInfo } from '../version/version.js';

export type VersionOutput = 'text' | 'json' | 'yaml';

export function formatVersion(info: Info, output: VersionOutput): string {
  switch (output) {
    case 'json':
      return `${JSON.stringify(info, null, 2)}\n`;
    case 'yaml':
      return stringify(info);
    case 'text':
      return [
        `Version:      ${info.gitVersion}`,
        `Git commit:   ${info.gitCommit}${info.gitTreeState === 'dirty' ? ' (dirty)' : ''}`,
        `Build date:   ${info.buildDate}`,
        `Node version: ${process.version}`,
        `Platform:     ${info.platform}`,
        '',
      ].join('\n');
  }
}

export function addVersionCommand(program: Command): void {
  program
    .command('version')
    .description('print the version, git commit, build date, Node version and platform of this build')
    .addOption(new Option('-o, --output <format>', 'output format: text, json or yaml').choices(['text', 'json', 'yaml']).default('text'))
    .action((flags: { output: VersionOutput }) => {
      process.stdout.write(formatVersion(versionInfo(), flags.output));
    });
}
