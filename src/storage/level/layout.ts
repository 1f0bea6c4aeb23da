/**
 * How the LevelDB backend lays out its data, one LevelDB per store:
 *   `o/<key>`        the object, JSON, with metadata.resourceVersion set
 *   `i/<key>`        its resourceVersion: the index start-up reads without reading a body
 *   `e/<rv:016>`     the watch event of resourceVersion rv: {type, key, object, prevObject, resourceVersion}
 *   `m/rv`           the newest resourceVersion
 *   `m/compacted`    the resourceVersion up to which events were compacted away
 *   `m/layout`       `2` once `i/` is complete (the first release wrote no `i/`: start-up builds it once)
 * A write puts its object and its index entry (or deletes both), its event and the new `m/rv` in one atomic
 * batch, so a crash never leaves an object without its event or a reused resourceVersion.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { StorageEvent, WatchEventType } from '../interfaces.js';
import type { ColdEntry, HistoryEntry } from '../cache/history.js';

export const OBJECT = 'o/';
export const INDEX = 'i/';
export const META_LAYOUT = 'm/layout';
export const LAYOUT_VERSION = '2';
export const EVENT = 'e/';
export const META_RV = 'm/rv';
export const META_COMPACTED = 'm/compacted';

export const eventKey = (rv: number): string => `${EVENT}${String(rv).padStart(16, '0')}`;

/** The event as stored (the format of the first release, which start-up still reads). */
export function eventRecord(e: HistoryEntry): string {
  const prev = e.prevJson === undefined ? '' : `,"prevObject":${e.prevJson}`;
  return `{"type":${JSON.stringify(e.type)},"key":${JSON.stringify(e.key)},"object":${e.json}${prev},"resourceVersion":${e.resourceVersion}}`;
}

/** The start of a record as `eventRecord` writes it: its type and its key (a JSON string). */
const RECORD_HEAD = /^\{"type":"(ADDED|MODIFIED|DELETED)","key":("(?:[^"\\]|\\.)*"),"object":/;

/** The end of a record as `eventRecord` writes it: its resourceVersion. */
const RECORD_RV = /,"resourceVersion":(\d+)\}$/;

/**
 * The history entry of a stored event, its bodies parsed only when first read: start-up loads thousands of
 * events, and most are never read before they are dropped.
 */
export function historyEntryOf(record: string): HistoryEntry {
  const head = RECORD_HEAD.exec(record);
  const rv = RECORD_RV.exec(record);
  if (!head || !rv) return parsedEntry(record);
  let bodies: { json: string; prevJson?: string } | undefined;
  const parsed = () => {
    bodies ??= parsedEntry(record);
    return bodies;
  };
  return {
    type: head[1] as WatchEventType,
    key: JSON.parse(head[2] as string) as string,
    resourceVersion: Number(rv[1]),
    size: record.length + 64,
    get json() {
      return parsed().json;
    },
    get prevJson() {
      return parsed().prevJson;
    },
  };
}

/** What the history keeps of a stored event it does not hold the text of: what it is and what it costs. */
export function coldEntryOf(record: string): ColdEntry {
  const head = RECORD_HEAD.exec(record);
  const rv = RECORD_RV.exec(record);
  const size = record.length + 64;
  if (head && rv)
    return {
      cold: true,
      type: head[1] as WatchEventType,
      key: JSON.parse(head[2] as string) as string,
      resourceVersion: Number(rv[1]),
      size,
    };
  const ev = JSON.parse(record) as StorageEvent;
  return { cold: true, type: ev.type, key: ev.key, resourceVersion: ev.resourceVersion, size };
}

function parsedEntry(record: string): HistoryEntry {
  const ev = JSON.parse(record) as StorageEvent;
  const entry: HistoryEntry = { type: ev.type, key: ev.key, resourceVersion: ev.resourceVersion, json: JSON.stringify(ev.object) };
  if (ev.prevObject) entry.prevJson = JSON.stringify(ev.prevObject);
  return entry;
}

export function resourceVersionOf(json: string): number {
  return Number((JSON.parse(json) as KubeObject).metadata.resourceVersion ?? 0);
}
