/**
 * How the updater sees an object's versions: each manager's fields are paths in the version that manager
 * wrote, so objects are converted to that version, and typed with that version's schema, to compare them.
 */
import type { Atom } from './schema-atoms.js';
import type { FieldSet } from './set.js';
import type { Value } from './value.js';

export interface UpdaterContext {
  /**
   * Converts an object to `apiVersion`; undefined when that version is no longer served, so the managers
   * recorded in it are dropped (upstream's IsMissingVersionError). Called only across versions.
   */
  convert(obj: Value, apiVersion: string): Value | undefined;
  /** The type of an object of `apiVersion` (resourceAtom of that version's schema). */
  atomFor(apiVersion: string): Atom;
  /**
   * resetFields, by version: fields no manager comes to own here because the request cannot change them
   * (`status` in the main resource, everything else in /status). Removed with all below them.
   */
  ignoredFields?: ReadonlyMap<string, FieldSet>;
}

/** A value and the version it is in. */
export interface Versioned {
  readonly value: Value;
  readonly version: string;
}

/** Nothing (null, a create's live object) converts to nothing in any version. */
export function convertTo(v: UpdaterContext, obj: Versioned, version: string): Value | undefined {
  if (obj.version === version || obj.value === null) return obj.value;
  return v.convert(obj.value, version);
}

export function withoutIgnored(v: UpdaterContext, set: FieldSet, version: string): FieldSet {
  const ignored = v.ignoredFields?.get(version);
  return ignored ? set.recursiveDifference(ignored) : set;
}
