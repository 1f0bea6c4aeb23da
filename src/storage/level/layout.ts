/**
 * How the LevelDB backend lays out its data, one LevelDB per store:
 *   `o/<key>`        the object, JSON, with metadata.resourceVersion set
 *   `e/<rv:016>`     the watch event of resourceVersion rv: {type, key, object, prevObject, resourceVersion}
 *   `m/rv`           the newest resourceVersion
 *   `m/compacted`    the resourceVersion up to which events were compacted away
 * A write puts its object (or deletes it), its event and the new `m/rv` in one atomic batch, so a crash never
 * leaves an object without its event or a reused resourceVersion.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { StorageEvent } from '../interfaces.js';
import type { HistoryEntry } from '../cache/history.js';

export const OBJECT = 'o/';
export const EVENT = 'e/';
export const META_RV = 'm/rv';
export const META_COMPACTED = 'm/compacted';

export const eventKey = (rv: number): string => `${EVENT}${String(rv).padStart(16, '0')}`;

/** The event as stored (the format of the first release, which start-up still reads). */
export function eventRecord(e: HistoryEntry): string {
  const prev = e.prevJson === undefined ? '' : `,"prevObject":${e.prevJson}`;
  return `{"type":${JSON.stringify(e.type)},"key":${JSON.stringify(e.key)},"object":${e.json}${prev},"resourceVersion":${e.resourceVersion}}`;
}

export function historyEntryOf(record: string): HistoryEntry {
  const ev = JSON.parse(record) as StorageEvent;
  const entry: HistoryEntry = { type: ev.type, key: ev.key, resourceVersion: ev.resourceVersion, json: JSON.stringify(ev.object) };
  if (ev.prevObject) entry.prevJson = JSON.stringify(ev.prevObject);
  return entry;
}

export function resourceVersionOf(json: string): number {
  return Number((JSON.parse(json) as KubeObject).metadata.resourceVersion ?? 0);
}
