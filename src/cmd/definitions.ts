/** The API to serve: the definitions given with --api-definitions, or the built-in wardle.example.com group. */
import { builtinDefinitionsPath, loadDefinitions } from '../registry/definitions/load.js';
import type { ResourceDefinition } from '../registry/definitions/types.js';

export function loadServedDefinitions(paths: string[]): Promise<ResourceDefinition[]> {
  return loadDefinitions(paths.length > 0 ? paths : [builtinDefinitionsPath()]);
}
