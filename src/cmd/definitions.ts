/**
 * The API to serve: the definitions given with --api-definitions, or the built-in wardle.example.com group
 * with the sample-apiserver's Flunder rules, which are registered here, for the shipped file only.
 */
import { CodeStrategies } from '../registry/definitions/code-strategies.js';
import { builtinDefinitionsPath, loadDefinitions } from '../registry/definitions/load.js';
import type { ResourceDefinition } from '../registry/definitions/types.js';
import { flunderStrategy } from '../registry/wardle/index.js';

const WARDLE = 'wardle.example.com';

export function loadServedDefinitions(paths: string[]): Promise<ResourceDefinition[]> {
  const builtin = builtinDefinitionsPath();
  const strategies = new Map([[builtin, new CodeStrategies().register(WARDLE, 'Flunder', flunderStrategy(WARDLE))]]);
  return loadDefinitions(paths.length > 0 ? paths : [builtin], strategies);
}
