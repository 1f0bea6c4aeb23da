/**
 * Discovery documents built from the served definitions: `/apis` (APIGroupList, and aggregated discovery v2
 * as kube-aggregator fetches it), `/apis/<group>` (APIGroup) and `/apis/<group>/<version>` (APIResourceList).
 */
import { createHash } from 'node:crypto';
import type { ResourceDefinition, VersionDefinition } from '../../registry/definitions/types.js';
import { compareVersions } from './version-priority.js';

/** The verbs of a custom resource, in apiextensions-apiserver's order for APIResourceList. */
const RESOURCE_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

export interface GroupVersions {
  group: string;
  /** Served versions, preferred first. */
  versions: string[];
}

export function servedGroups(defs: ResourceDefinition[]): GroupVersions[] {
  const byGroup = new Map<string, Set<string>>();
  for (const d of defs) {
    const set = byGroup.get(d.group) ?? new Set<string>();
    for (const v of d.versions) if (v.served) set.add(v.name);
    byGroup.set(d.group, set);
  }
  return [...byGroup].filter(([, v]) => v.size > 0).map(([group, versions]) => ({ group, versions: [...versions].sort(compareVersions) }));
}

function apiGroupOf(g: GroupVersions) {
  const versions = g.versions.map((version) => ({ groupVersion: `${g.group}/${version}`, version }));
  return { name: g.group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(defs: ResourceDefinition[]) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: servedGroups(defs).map(apiGroupOf) };
}

export function apiGroup(defs: ResourceDefinition[], group: string) {
  const g = servedGroups(defs).find((x) => x.group === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroupOf(g) } : undefined;
}

/** base64 of the first 8 bytes of sha256("<group>/<storage version>/<kind>"), as `discovery.StorageVersionHash`. */
export function storageVersionHash(def: ResourceDefinition): string {
  return createHash('sha256').update(`${def.group}/${def.storageVersion}/${def.names.kind}`).digest().subarray(0, 8).toString('base64');
}

function servedIn(defs: ResourceDefinition[], group: string, version: string): [ResourceDefinition, VersionDefinition][] {
  const out: [ResourceDefinition, VersionDefinition][] = [];
  for (const d of defs) {
    if (d.group !== group) continue;
    const v = d.versions.find((x) => x.name === version && x.served);
    if (v) out.push([d, v]);
  }
  return out;
}

export function apiResourceList(defs: ResourceDefinition[], group: string, version: string) {
  const served = servedIn(defs, group, version);
  if (served.length === 0) return undefined;
  const resources = served.flatMap(([d, v]) => {
    const namespaced = d.scope === 'Namespaced';
    const main: Record<string, unknown> = {
      name: d.names.plural,
      singularName: d.names.singular,
      namespaced,
      kind: d.names.kind,
      verbs: RESOURCE_VERBS,
      ...(d.names.shortNames.length ? { shortNames: d.names.shortNames } : {}),
      ...(d.names.categories.length ? { categories: d.names.categories } : {}),
      storageVersionHash: storageVersionHash(d),
    };
    const subs: Record<string, unknown>[] = [];
    if (v.subresources.status)
      subs.push({ name: `${d.names.plural}/status`, singularName: '', namespaced, kind: d.names.kind, verbs: SUBRESOURCE_VERBS });
    if (v.subresources.scale)
      subs.push({
        name: `${d.names.plural}/scale`,
        singularName: '',
        namespaced,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: SUBRESOURCE_VERBS,
      });
    return [main, ...subs];
  });
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources };
}

export function aggregatedDiscovery(defs: ResourceDefinition[]) {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: servedGroups(defs).map((g) => ({
      metadata: { name: g.group },
      versions: g.versions.map((version) => ({
        version,
        resources: servedIn(defs, g.group, version).map(([d, v]) => {
          const responseKind = { group: d.group, version, kind: d.names.kind };
          const subresources = [
            ...(v.subresources.status ? [{ subresource: 'status', responseKind, verbs: SUBRESOURCE_VERBS }] : []),
            ...(v.subresources.scale
              ? [{ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: SUBRESOURCE_VERBS }]
              : []),
          ];
          return {
            resource: d.names.plural,
            responseKind,
            scope: d.scope === 'Namespaced' ? 'Namespaced' : 'Cluster',
            singularResource: d.names.singular,
            verbs: [...RESOURCE_VERBS].sort(),
            ...(d.names.shortNames.length ? { shortNames: d.names.shortNames } : {}),
            ...(d.names.categories.length ? { categories: d.names.categories } : {}),
            ...(subresources.length ? { subresources } : {}),
          };
        }),
        freshness: 'Current',
      })),
    })),
  };
}

/** Quoted uppercase hex SHA-512 of the JSON, the ETag kube-apiserver gives discovery and OpenAPI documents. */
export function etagOf(json: string): string {
  return `"${createHash('sha512').update(json).digest('hex').toUpperCase()}"`;
}
