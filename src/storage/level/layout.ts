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
import { parseObject } from '../../apimachinery/parse-object.js';
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

/** What a record as `eventRecord` writes it is, read off its ends without parsing its bodies. */
function recordHead(record: string): { type: WatchEventType; key: string; resourceVersion: number } | undefined {
  const head = RECORD_HEAD.exec(record);
  const rv = RECORD_RV.exec(record);
  if (!head || !rv) return undefined;
  return { type: head[1] as WatchEventType, key: JSON.parse(head[2] as string) as string, resourceVersion: Number(rv[1]) };
}

/**
 * The history entry of a stored event read back from disk, its bodies parsed only when first read: a list at
 * an older resourceVersion reads back events whose bodies it never needs (an ADDED one is undone by its key).
 */
export function historyEntryOf(record: string): HistoryEntry {
  const head = recordHead(record);
  if (!head) return parsedEntry(record);
  let bodies: { json: string; prevJson?: string } | undefined;
  const parsed = () => {
    bodies ??= parsedEntry(record);
    return bodies;
  };
  return {
    ...head,
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
  let head = recordHead(record);
  if (!head) {
    const ev = JSON.parse(record) as StorageEvent;
    head = { type: ev.type, key: ev.key, resourceVersion: ev.resourceVersion };
  }
  return { cold: true, ...head, size: record.length + 64 };
}

function parsedEntry(record: string): HistoryEntry {
  const ev = JSON.parse(record) as StorageEvent;
  const entry: HistoryEntry = { type: ev.type, key: ev.key, resourceVersion: ev.resourceVersion, json: JSON.stringify(ev.object) };
  if (ev.prevObject) entry.prevJson = JSON.stringify(ev.prevObject);
  return entry;
}

export function resourceVersionOf(json: string): number {
  return Number(parseObject(json).metadata.resourceVersion ?? 0);
}
