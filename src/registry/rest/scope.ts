/** What a registry call knows about the resource and version it serves. */
import type { GroupResource } from '../../apimachinery/errors.js';
import type { UserInfo } from '../../authentication/user.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { Storage } from '../../storage/interfaces.js';
import type { ResourceDefinition, VersionDefinition } from '../definitions/types.js';

export interface ResourceScope {
  def: ResourceDefinition;
  /** The version of the request's URL: bodies arrive and leave in it. */
  version: VersionDefinition;
  gr: GroupResource;
  groupKind: { group: string; kind: string };
  apiVersion: string;
}

export function resourceScope(def: ResourceDefinition, version: VersionDefinition): ResourceScope {
  return {
    def,
    version,
    gr: { group: def.group, resource: def.names.plural },
    groupKind: { group: def.group, kind: def.names.kind },
    apiVersion: `${def.group}/${version.name}`,
  };
}

/** Options every write takes from the query string. */
export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: 'Strict' | 'Warn' | 'Ignore';
  /** Warnings for the `Warning` response header. */
  warnings: string[];
  /** Who asks, for admission; absent for the server's own writes. */
  user?: UserInfo;
  /** Strict decoding errors the body already showed (`duplicate field "spec.x"`); decoding adds unknown fields. */
  strictErrors: string[];
  /** Who managedFields record as making the change: `?fieldManager=`, else the User-Agent's product. */
  fieldManager: string;
  /** Where admission adds audit annotations for the request's audit event. */
  auditAnnotations?: Record<string, string>;
  /** `?force=true` on an apply: take the fields other managers own instead of failing on conflicts. */
  force?: boolean;
}

/**
 * What the verbs beside the store (list, watch, delete) need of it: its storage, its definition, keys, and
 * conversion to the URL's version. The store passes itself; they never import it.
 */
export interface StoreTarget {
  readonly def: ResourceDefinition;
  readonly storage: Storage;
  key(namespace: string, name: string): string;
  toVersion(stored: KubeObject, version: string): KubeObject;
}
