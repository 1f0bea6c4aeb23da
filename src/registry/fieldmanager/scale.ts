/**
 * Server-side apply through /scale (managedfields' ScaleHandler): the object's managers that own its replicas
 * become managers of `.spec.replicas` of an autoscaling/v1 Scale, the apply runs on the Scale, and the
 * result is mapped back. A manager that lost replicas on the Scale loses the object's replicas path; a new
 * one owns just that path, in the object's version and without a time, as upstream records it.
 */
import type { KubeObject, ManagedFieldsEntry } from '../../apimachinery/types.js';
import type { ResourceDefinition, VersionDefinition } from '../definitions/types.js';
import { CustomResourceFieldManager } from './field-manager.js';
import { decodeManagedFields, encodeManagedFields, type Managed, type VersionedSet } from './managed-fields.js';
import { makePath, type Path } from './path.js';
import { newSet } from './set.js';

const REPLICAS_IN_SCALE = makePath('spec', 'replicas');
const SCALE_VERSION = 'autoscaling/v1';

/** The Scale type as field management sees it: spec.replicas, status.replicas and status.selector. */
const SCALE: ResourceDefinition = {
  group: 'autoscaling',
  names: { plural: 'scales', singular: 'scale', kind: 'Scale', listKind: 'ScaleList', shortNames: [], categories: [] },
  scope: 'Namespaced',
  versions: [
    {
      name: 'v1',
      served: true,
      storage: true,
      deprecated: false,
      schema: {
        type: 'object',
        properties: {
          spec: { type: 'object', properties: { replicas: { type: 'integer' } } },
          status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } },
        },
      },
      additionalPrinterColumns: [],
      selectableFields: [],
      subresources: { status: false },
    },
  ],
  storageVersion: 'v1',
  convert: (obj) => obj,
  source: 'autoscaling/v1 Scale',
};

const scaleManager = new CustomResourceFieldManager(SCALE);

/** Each version's replicas path; a version without /scale maps to none (its managers are left alone). */
function mappings(def: ResourceDefinition): Map<string, Path | undefined> {
  return new Map(
    def.versions.map((v: VersionDefinition) => {
      const path = v.subresources.scale?.specReplicasPath;
      return [`${def.group}/${v.name}`, path ? makePath(...path.replace(/^\./, '').split('.')) : undefined];
    }),
  );
}

function decode(entries: readonly ManagedFieldsEntry[] | undefined): Managed {
  return decodeManagedFields(entries ?? []);
}

/** ToSubresource: the managers of the object's replicas, as managers of the Scale's. */
export function toSubresource(
  def: ResourceDefinition,
  parent: readonly ManagedFieldsEntry[] | undefined,
): ManagedFieldsEntry[] | undefined {
  const managed = decode(parent);
  const paths = mappings(def);
  const out: Managed = { fields: new Map(), times: new Map() };
  for (const [id, vs] of managed.fields) {
    const path = paths.get(vs.apiVersion);
    if (!path || !vs.set.has(path)) continue;
    out.fields.set(id, { set: newSet(REPLICAS_IN_SCALE), apiVersion: SCALE_VERSION, applied: vs.applied });
    out.times.set(id, managed.times.get(id));
  }
  return encodeManagedFields(out);
}

/** ToParent: the Scale's managers mapped back onto the object's. */
export function toParent(
  def: ResourceDefinition,
  version: string,
  parent: readonly ManagedFieldsEntry[] | undefined,
  scale: readonly ManagedFieldsEntry[] | undefined,
): ManagedFieldsEntry[] | undefined {
  const parentManaged = decode(parent);
  const scaleFields = new Map(decode(scale).fields);
  const paths = mappings(def);
  const apiVersion = `${def.group}/${version}`;
  const out: Managed = { fields: new Map(), times: new Map() };
  const keep = (id: string, vs: VersionedSet) => {
    out.fields.set(id, vs);
    out.times.set(id, parentManaged.times.get(id));
  };
  for (const [id, vs] of parentManaged.fields) {
    if (!paths.has(vs.apiVersion)) continue;
    const path = paths.get(vs.apiVersion);
    if (!path || !vs.set.has(path)) keep(id, vs);
    else if (scaleFields.has(id)) {
      keep(id, vs);
      scaleFields.delete(id);
    } else {
      const set = vs.set.difference(newSet(path));
      if (!set.empty()) keep(id, { ...vs, set });
    }
  }
  const replicas = paths.get(apiVersion);
  for (const [id, vs] of scaleFields) {
    if (!vs.set.has(REPLICAS_IN_SCALE) || !replicas) continue;
    out.fields.set(id, { set: newSet(replicas), apiVersion, applied: vs.applied });
    out.times.set(id, parentManaged.times.get(id));
  }
  return encodeManagedFields(out);
}

/**
 * An apply of a Scale to the object's /scale: the Scale it makes (managedFields of the Scale's view), for
 * the caller to write its replicas and `toParent` its managedFields.
 */
export function applyScaleConfig(scale: KubeObject, config: unknown, manager: string, force: boolean): KubeObject {
  return scaleManager.apply('v1', scale, config, manager, 'scale', force);
}
