/**
 * The fields no manager is recorded as owning (managedfields' stripMetaManager): type meta, and the
 * metadata the server sets or that identifies the object, so that applying it never conflicts.
 */
import { makePath } from './path.js';
import { type FieldSet, newSet } from './set.js';

export const STRIPPED_FIELDS: FieldSet = newSet(
  makePath('apiVersion'),
  makePath('kind'),
  makePath('metadata'),
  makePath('metadata', 'name'),
  makePath('metadata', 'namespace'),
  makePath('metadata', 'creationTimestamp'),
  makePath('metadata', 'selfLink'),
  makePath('metadata', 'uid'),
  makePath('metadata', 'clusterName'),
  makePath('metadata', 'generation'),
  makePath('metadata', 'managedFields'),
  makePath('metadata', 'resourceVersion'),
);

/**
 * A manager's set without the stripped fields. Upstream uses Difference, not RecursiveDifference: labels
 * and annotations stay owned though `metadata` itself is stripped; a manager left with nothing is dropped.
 */
export function stripMetaFields(set: FieldSet): FieldSet {
  return set.difference(STRIPPED_FIELDS);
}
