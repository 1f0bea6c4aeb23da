/** Storage keys for a resource's objects: one prefix per resource, then namespace (when namespaced) and name. */
import type { ResourceDefinition } from './definitions/types.js';

/** The prefix under which every object of the resource is stored, ending in `/`. */
export function resourcePrefix(def: ResourceDefinition): string {
  return `/${def.group}/${def.names.plural}/`;
}

/** The prefix to list: one namespace, or every namespace when `namespace` is empty. */
export function listPrefix(def: ResourceDefinition, namespace: string): string {
  return def.scope === 'Namespaced' && namespace ? `${resourcePrefix(def)}${namespace}/` : resourcePrefix(def);
}

export function objectKey(def: ResourceDefinition, namespace: string, name: string): string {
  return def.scope === 'Namespaced' ? `${resourcePrefix(def)}${namespace}/${name}` : `${resourcePrefix(def)}${name}`;
}
