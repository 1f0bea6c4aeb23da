/**
 * `metadata.managedFields` read into field sets and written back (managedfields' DecodeManagedFields and
 * encodeManagedFields). Each entry is keyed by a manager identifier: the entry's JSON without its fields,
 * time and type, and without apiVersion for appliers, so that one applier is one entry whatever version it
 * applies in, while an updater is one entry per version and subresource.
 */
import type { ManagedFieldsEntry } from '../../apimachinery/types.js';
import { decodeFieldsV1, fieldsV1Value } from './fields-v1.js';
import type { FieldSet } from './set.js';

/** fieldpath.VersionedSet: what one manager owns, in the version it used. */
export interface VersionedSet {
  readonly set: FieldSet;
  readonly apiVersion: string;
  /** Owned by an apply (operation Apply) rather than by an update. */
  readonly applied: boolean;
}

/** The managers of an object, by identifier, and when each last changed something. */
export interface Managed {
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

/** BuildManagerIdentifier: Go marshals the entry's fields in declaration order, empty ones omitted. */
export function managerIdentifier(entry: { manager?: string; operation?: string; apiVersion?: string; subresource?: string }): string {
  const id: Record<string, string> = {};
  if (entry.manager) id.manager = entry.manager;
  if (entry.operation) id.operation = entry.operation;
  if (entry.apiVersion && entry.operation !== 'Apply') id.apiVersion = entry.apiVersion;
  if (entry.subresource) id.subresource = entry.subresource;
  return JSON.stringify(id);
}

export interface ManagerInfo {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
}

const parsedIdentifiers = new Map<string, ManagerInfo>();

/** Identifiers repeat on every write of an object: parsed once each (a bounded cache). */
export function parseIdentifier(id: string): ManagerInfo {
  let info = parsedIdentifiers.get(id);
  if (info) return info;
  try {
    info = JSON.parse(id) as ManagerInfo;
  } catch {
    info = { manager: id };
  }
  if (parsedIdentifiers.size >= 1024) parsedIdentifiers.clear();
  parsedIdentifiers.set(id, info);
  return info;
}

/**
 * Every write decodes the same entries again and writes most of them back unchanged: the sets of recent
 * FieldsV1 texts are kept (the same text, the same set), and each set's encoding once it is made.
 */
const setsByText = new Map<string, FieldSet>();
const encodedSets = new WeakMap<FieldSet, unknown>();

function decodeFieldsCached(text: string): FieldSet {
  let set = setsByText.get(text);
  if (set) return set;
  set = decodeFieldsV1(text);
  if (setsByText.size >= 4096) setsByText.clear();
  setsByText.set(text, set);
  return set;
}

/** Shared between the objects that carry it: nothing changes a FieldsV1 value once made. */
function encodeFieldsCached(set: FieldSet): unknown {
  let fields = encodedSets.get(set);
  if (fields === undefined) {
    fields = fieldsV1Value(set);
    encodedSets.set(set, fields);
  }
  return fields;
}

/** DecodeManagedFields, with upstream's messages; the caller decides whether an error is fatal. */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[]): Managed {
  const managed = emptyManaged();
  entries.forEach((entry, i) => {
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!entry.apiVersion) throw new Error('apiVersion must not be empty');
    if (entry.fieldsType === undefined || entry.fieldsType === '') throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (entry.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType "${entry.fieldsType}" in managed fields entry ${i}`);
    const id = managerIdentifier(entry);
    const set = decodeFieldsCached(entry.fieldsV1 === undefined || entry.fieldsV1 === null ? '{}' : JSON.stringify(entry.fieldsV1));
    managed.fields.set(id, { set, apiVersion: entry.apiVersion, applied: entry.operation === 'Apply' });
    managed.times.set(id, entry.time);
  });
  return managed;
}

function seconds(time: string | undefined): number {
  if (!time) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

const byteOrder = (a: string, b: string): number => (a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b)));

/**
 * encodeManagedFields: entries sorted by operation (Apply first), then time, manager, apiVersion and
 * subresource; no managers at all is no managedFields.
 */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.fields.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, vs] of managed.fields) {
    const info = parseIdentifier(id);
    const entry: ManagedFieldsEntry = {};
    // Go's struct order: manager, operation, apiVersion, time, fieldsType, fieldsV1, subresource.
    if (info.manager) entry.manager = info.manager;
    entry.operation = vs.applied ? 'Apply' : info.operation;
    entry.apiVersion = vs.apiVersion;
    const time = managed.times.get(id);
    if (time) entry.time = time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = encodeFieldsCached(vs.set);
    if (info.subresource) entry.subresource = info.subresource;
    entries.push(entry);
  }
  return entries.sort(
    (p, q) =>
      byteOrder(p.operation ?? '', q.operation ?? '') ||
      seconds(p.time) - seconds(q.time) ||
      byteOrder(p.manager ?? '', q.manager ?? '') ||
      byteOrder(p.apiVersion ?? '', q.apiVersion ?? '') ||
      byteOrder(p.subresource ?? '', q.subresource ?? ''),
  );
}

/** A request that sends `managedFields: []` (or one empty entry) asks for them to be reset. */
export function isResetManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): boolean {
  if (!entries) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && Object.values(entries[0] ?? {}).every((v) => v === undefined);
}

/** metav1.Time as Go marshals it: RFC 3339 in UTC, whole seconds. */
export function nowTime(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastTime = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
  }
  return lastTime;
}

let lastSecond = -1;
let lastTime = '';
