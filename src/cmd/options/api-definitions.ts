/**
 * The API to serve: the CustomResourceDefinition-format files given with `--api-definitions`, or the
 * built-in wardle.example.com group. The sample-apiserver's Flunder rules in code are registered here, for
 * the shipped file only: a user's file of the same group is served as plain CRDs.
 */
import type { Command } from 'commander';
import { builtinDefinitionsPath, loadDefinitions } from '../../registry/definitions/load.js';
import type { ResourceDefinition } from '../../registry/definitions/types.js';
import { wardleCodeStrategies } from '../../registry/wardle/index.js';
import { repeat } from './parse.js';

export class APIDefinitionsOptions {
  apiDefinitions: string[] = [];

  addFlags(cmd: Command): void {
    cmd.option(
      '--api-definitions <path>',
      'a file or folder of CustomResourceDefinition-format YAML describing the API to serve (repeatable); default: the built-in wardle.example.com group',
      repeat,
      this.apiDefinitions,
    );
  }

  /** The definitions, read and checked; a problem is a DefinitionError naming the file, line and field. */
  load(): Promise<ResourceDefinition[]> {
    const builtin = builtinDefinitionsPath();
    return loadDefinitions(this.apiDefinitions.length > 0 ? this.apiDefinitions : [builtin], new Map([[builtin, wardleCodeStrategies()]]));
  }
}
