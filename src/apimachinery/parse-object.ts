/**
 * JSON.parse of an object's stored text that keeps its resourceVersion and name out of V8's string table.
 *
 * V8's JSON.parse internalizes every string value of up to 10 characters: it looks each one up in the isolate's
 * string table, and adds it there when it is new. An object's resourceVersion is unique, and so is its name,
 * which is often that short. A scan that parses every stored object (a list in another version, as a Table, with
 * a label selector, or as a PartialObjectMetadataList) therefore added a string per object to the old generation
 * and an entry to the table, which only V8's next full collection frees: at a million objects the old space
 * grew by about 50 MiB and the table by 60 (`npm run bench`, the scale section). Here those two values are
 * parsed as a number and set back afterwards from slices of the text, which are not internalized.
 *
 * The values are found by their keys (the last `"resourceVersion":"`, the first `"metadata":{"name":"`) and parsed
 * as -0, which JSON.stringify never writes. Where that -0 is not what the parsed object's own field holds (the key
 * found was a nested one), the text is parsed again as it is, so the result is always JSON.parse's.
 */
import type { KubeObject } from './types.js';

const RESOURCE_VERSION = '"resourceVersion":"';
const NAME = '"metadata":{"name":"';
/** V8 internalizes string values of up to 10 characters (9 in Node 24); longer ones are left as they are. */
const SHORT = 10;

/** The quoted string value that starts at `start`, as [opening quote, after closing quote], if short and plain. */
function shortValue(json: string, start: number, digitsOnly: boolean): [number, number] | undefined {
  const end = Math.min(json.length, start + SHORT + 1);
  for (let i = start; i < end; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22) return i === start ? undefined : [start - 1, i + 1];
    if (c === 0x5c || (digitsOnly && (c < 0x30 || c > 0x39))) return undefined;
  }
  return undefined;
}

const isSentinel = (v: unknown): boolean => Object.is(v, -0);

export function parseObject(json: string): KubeObject {
  const rvKey = json.lastIndexOf(RESOURCE_VERSION);
  const rv = rvKey < 0 ? undefined : shortValue(json, rvKey + RESOURCE_VERSION.length, true);
  const nameKey = json.indexOf(NAME);
  const name = nameKey < 0 ? undefined : shortValue(json, nameKey + NAME.length, false);
  if (!rv && !name) return JSON.parse(json) as KubeObject;
  let text: string;
  if (rv && name) {
    const [first, second] = rv[0] < name[0] ? [rv, name] : [name, rv];
    text = `${json.slice(0, first[0])}-0${json.slice(first[1], second[0])}-0${json.slice(second[1])}`;
  } else {
    const [start, end] = (rv ?? name) as [number, number];
    text = `${json.slice(0, start)}-0${json.slice(end)}`;
  }
  const obj = JSON.parse(text) as KubeObject;
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (!meta || (rv && !isSentinel(meta.resourceVersion)) || (name && !isSentinel(meta.name))) return JSON.parse(json) as KubeObject;
  if (rv) meta.resourceVersion = json.slice(rv[0] + 1, rv[1] - 1);
  if (name) meta.name = json.slice(name[0] + 1, name[1] - 1);
  return obj;
}
