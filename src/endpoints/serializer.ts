/**
 * The one place response bytes are written: objects, lists (parsed, or spliced from stored JSON), watch
 * frames and Statuses, in the serialization negotiated once per request from Accept (JSON, YAML, a
 * meta.k8s.io Table, PartialObjectMetadata[List]); and the `Warning` headers a request collected. Bodies go
 * out as bytes with exactly the Content-Type kube-apiserver writes (`application/json`, no charset added).
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify as toYaml } from 'yaml';
import { newNotAcceptable, type Status } from '../apimachinery/errors.js';
import type { KubeObject, ListMeta } from '../apimachinery/types.js';
import { parseObject } from '../apimachinery/parse-object.js';
import type { ListedItems } from '../registry/rest/list.js';
import type { ResourceScope } from '../registry/rest/scope.js';
import { queryParam } from './handlers/query.js';
import { requestSlot } from './request/context.js';
import { negotiateOutput, type OutputFormat, tableApiVersion } from './negotiation/accept.js';
import { type CachedRow, rowBytes, rowCacheFor, rowOf } from './table/row-cache.js';
import { includeObjectOf, tableForObjects, tableHead } from './table/table.js';

const JSON_TYPE = 'application/json';
const YAML_TYPE = 'application/yaml';
const META_V1 = 'meta.k8s.io/v1';

const negotiated = requestSlot<OutputFormat>();

/** The request's output format, negotiated on first use (406 when nothing acceptable is offered). */
export function outputFormat(req: FastifyRequest): OutputFormat {
  let format = negotiated.get(req);
  if (format === undefined) {
    format = negotiateOutput(req.headers.accept);
    negotiated.set(req, format);
  }
  return format;
}

/** Sends text as it is (Fastify's own path would append `; charset=utf-8` to a JSON type). */
const asIs = (payload: unknown): string => payload as string;

/** Writes text as the body, untouched: the single call that sends a response body. */
export function writeBytes(reply: FastifyReply, code: number, contentType: string, text: string): FastifyReply {
  return reply.code(code).header('Content-Type', contentType).serializer(asIs).send(text);
}

function writeEncoded(req: FastifyRequest, reply: FastifyReply, code: number, body: unknown): FastifyReply {
  if (outputFormat(req) === 'yaml') return writeBytes(reply, code, YAML_TYPE, toYaml(body));
  return writeBytes(reply, code, JSON_TYPE, JSON.stringify(body));
}

/** Warnings go out as RFC 7234 warn-code 299, one header each, as kube-apiserver sends them; added to any already set. */
export function setWarnings(reply: FastifyReply, warnings: string[]): void {
  if (warnings.length === 0) return;
  const existing = reply.getHeader('Warning');
  const before = existing === undefined ? [] : ([] as string[]).concat(existing as string | string[]);
  reply.header('Warning', [...new Set([...before, ...warnings.map(warningHeader)])]);
}

/** One warning as its header value: warn-code 299, no agent, the text quoted. */
export function warningHeader(warning: string): string {
  return `299 - ${JSON.stringify(warning)}`;
}

/** An object's metadata alone (`meta.AsPartialObjectMetadata`). */
export function partialObjectMetadata(obj: KubeObject): { kind: string; apiVersion: string; metadata: KubeObject['metadata'] } {
  return { kind: 'PartialObjectMetadata', apiVersion: META_V1, metadata: obj.metadata };
}

function table(req: FastifyRequest, scope: ResourceScope, objects: KubeObject[], listMeta: ListMeta, noHeaders = false) {
  return tableForObjects(objects, scope.version, {
    includeObject: queryParam(req, 'includeObject'),
    apiVersion: tableApiVersion(req.headers.accept),
    listMeta,
    noHeaders,
  });
}

/** One object, its one-row Table when kubectl asked for a Table, or its PartialObjectMetadata. */
export function writeObject(req: FastifyRequest, reply: FastifyReply, scope: ResourceScope, code: number, obj: KubeObject): FastifyReply {
  switch (outputFormat(req)) {
    case 'PartialObjectMetadata':
      return writeEncoded(req, reply, code, partialObjectMetadata(obj));
    case 'PartialObjectMetadataList':
      throw newNotAcceptable(`you requested PartialObjectMetadataList, but the requested object is not a list (${scope.def.names.kind})`);
    case 'table':
      return writeEncoded(req, reply, code, table(req, scope, [obj], { resourceVersion: obj.metadata.resourceVersion }));
    default:
      return writeEncoded(req, reply, code, obj);
  }
}

export function writeList(
  req: FastifyRequest,
  reply: FastifyReply,
  scope: ResourceScope,
  items: KubeObject[],
  metadata: ListMeta,
): FastifyReply {
  switch (outputFormat(req)) {
    case 'PartialObjectMetadataList':
      return writeEncoded(req, reply, 200, {
        kind: 'PartialObjectMetadataList',
        apiVersion: META_V1,
        metadata,
        items: items.map(partialObjectMetadata),
      });
    case 'PartialObjectMetadata':
      throw newNotAcceptable(`you requested PartialObjectMetadata, but the requested object is a list (${scope.def.names.listKind})`);
    case 'table':
      return writeEncoded(req, reply, 200, table(req, scope, items, metadata));
    default:
      return writeEncoded(req, reply, 200, { apiVersion: scope.apiVersion, kind: scope.def.names.listKind, metadata, items });
  }
}

/** An object as its stored JSON text (a get in the storage version, as JSON). */
export function writeRawObject(reply: FastifyReply, raw: string): FastifyReply {
  return writeBytes(reply, 200, JSON_TYPE, raw);
}

/** A list of more items than this is streamed in chunks rather than built as one string (100 MB for 100,000). */
export const STREAMED_LIST_ITEMS = 1000;
/**
 * Items per piece of a streamed body: pieces stay small enough (tens of KB) for V8's young generation, where
 * they die cheaply; pieces of hundreds of KB are allocated among old objects and pile up there until a full
 * collection, which for a list of a million objects let the RSS grow by gigabytes.
 */
const PIECE_ITEMS = 32;

/**
 * A JSON list whose items are JSON text (in the storage version, the stored text, spliced in without a parse
 * and re-serialisation). A large one goes out as chunks of items read from storage while the socket takes
 * them: the first bytes leave at once and the whole body never exists in memory (nor, at RequestResponse
 * level, in the audit event, which then omits it).
 */
export function writeRawList(reply: FastifyReply, scope: ResourceScope, rawItems: ListedItems, metadata: ListMeta): Promise<FastifyReply> {
  const head = `${JSON.stringify({ apiVersion: scope.apiVersion, kind: scope.def.names.listKind, metadata }).slice(0, -1)},"items":[`;
  return writeSpliced(reply, head, rawItems, (items) => commaJoined(items, (item) => item));
}

/**
 * A PartialObjectMetadataList (client-go's metadata informers: the garbage collector's and the namespace
 * controller's), each item's metadata taken from its JSON text as it is written out.
 */
export function writeRawMetadataList(reply: FastifyReply, rawItems: ListedItems, metadata: ListMeta): Promise<FastifyReply> {
  const head = `${JSON.stringify({ kind: 'PartialObjectMetadataList', apiVersion: META_V1, metadata }).slice(0, -1)},"items":[`;
  return writeSpliced(reply, head, rawItems, (items) =>
    commaJoined(items, (item) => JSON.stringify(partialObjectMetadata(parseObject(item)))),
  );
}

/**
 * A piece of a spliced list: each item's text as `encode` writes it, after a comma; those left out skipped. As
 * bytes, each item written into them: joined as text, a chunk of 128 objects of 1 KB and a page of 500 were
 * strings too large for V8's young generation, and every page of a paged walk left them among old objects
 * until a full collection (a walk of a million objects in pages of 500 peaked at 565 MiB, now 451).
 */
function commaJoined(items: (string | null | undefined)[], encode: (item: string) => string): Buffer {
  const texts: string[] = [];
  let bytes = 0;
  for (const item of items) {
    if (!item) continue;
    const text = encode(item);
    texts.push(text);
    bytes += 1 + Buffer.byteLength(text);
  }
  const piece = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (const text of texts) {
    piece[at++] = 0x2c; // ','
    at += piece.write(text, at);
  }
  return piece;
}

/**
 * A Table of a list, from the items' JSON text: each row from the row cache (so only objects written since the
 * last Table are parsed), ages rendered now, spliced into the Table's text.
 */
export function writeRawTable(
  req: FastifyRequest,
  reply: FastifyReply,
  scope: ResourceScope,
  rawItems: ListedItems,
  metadata: ListMeta,
): Promise<FastifyReply> {
  const includeObject = includeObjectOf(queryParam(req, 'includeObject'));
  const head = JSON.stringify({
    ...tableHead(scope.version, { listMeta: metadata, apiVersion: tableApiVersion(req.headers.accept) }),
    rows: [],
  });
  const now = Date.now();
  const cache = rowCacheFor(scope.version, includeObject);
  // A page counts as the whole list it is part of: kubectl's pages of 500 through a collection larger than the
  // cache made out every row before its next walk came back to it, and filled the cache at the walk's end.
  const remember = cache.fits(rawItems.listLength ?? rawItems.length);
  // Rows the cache has are taken now (and their objects never read); the others are made from the text.
  const held = new Map<number, CachedRow>();
  const skip = (i: number): boolean => {
    const row = cache.peek(rawItems.keyOf(i), rawItems.resourceVersionOf(i));
    if (row) held.set(i, row);
    return row !== undefined;
  };
  const render = (items: (string | null | undefined)[], from: number): Buffer => {
    const parts: Buffer[] = [];
    for (let j = 0; j < items.length; j++) {
      const i = from + j;
      const text = items[j];
      if (text === null) continue;
      let row = held.get(i);
      if (row) held.delete(i);
      else row = rowOf(scope.version, includeObject, rawItems.keyOf(i), rawItems.resourceVersionOf(i), text as string, remember);
      parts.push(rowBytes(row, now));
    }
    return Buffer.concat(parts);
  };
  return writeSpliced(reply, head.slice(0, -2), rawItems, render, skip);
}

/** A piece of a spliced body: text, or bytes already encoded (Table rows). */
type Piece = string | Buffer;

/**
 * `head`, the items as `render` writes each piece of them (given its items and the index of the first; each
 * item it writes starts with a comma), then `]}`: one body, or a stream when large. `skip`: items not to read
 * (see RawItems.chunks).
 */
async function writeSpliced(
  reply: FastifyReply,
  head: string,
  rawItems: ListedItems,
  render: (items: (string | null | undefined)[], from: number) => Piece,
  skip?: (i: number) => boolean,
): Promise<FastifyReply> {
  // The body's first item drops its comma; the first item is not always in the first piece, when a selector
  // left out every item before it.
  let first = true;
  const rendered = (items: (string | null | undefined)[], from: number): Piece => {
    const piece = render(items, from);
    if (!first || piece.length === 0) return piece;
    first = false;
    return typeof piece === 'string' ? piece.slice(1) : piece.subarray(1);
  };
  if (rawItems.length <= STREAMED_LIST_ITEMS) {
    const parts: Piece[] = [head];
    let at = 0;
    for await (const items of rawItems.chunks(skip)) {
      if (items.length === 0) continue;
      parts.push(rendered(items, at));
      at += items.length;
    }
    parts.push(']}');
    if (parts.every((p) => typeof p === 'string')) return writeBytes(reply, 200, JSON_TYPE, parts.join(''));
    const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    return reply.code(200).header('Content-Type', JSON_TYPE).serializer(asIs).send(body);
  }
  async function* pieces(): AsyncGenerator<Piece> {
    yield head;
    let at = 0;
    for await (const items of rawItems.chunks(skip)) {
      for (let i = 0; i < items.length; i += PIECE_ITEMS) {
        const piece = rendered(items.slice(i, i + PIECE_ITEMS), at);
        if (piece.length > 0) yield piece;
        at += Math.min(PIECE_ITEMS, items.length - i);
      }
    }
    yield ']}';
  }
  // Two pieces ahead of the socket, not Readable's sixteen: pieces queued longer outlive young-generation
  // collections and pile up among old objects (four concurrent lists of 10,000 peaked 40 MiB lower).
  const body = Readable.from(pieces(), { highWaterMark: 2 });
  // A client gone before the stream began never runs the generator's own cleanup.
  body.once('close', () => rawItems.close());
  return reply.code(200).header('Content-Type', JSON_TYPE).send(body);
}

/** Any other body (a success Status, a Scale) in the negotiated serialization. */
export function writeOther(req: FastifyRequest, reply: FastifyReply, code: number, body: unknown): FastifyReply {
  return writeEncoded(req, reply, code, body);
}

/**
 * An error Status, in YAML when the client asked for YAML, else JSON (upstream writes Status in the
 * negotiated type; a request whose Accept cannot be met gets JSON).
 */
export function writeStatus(req: FastifyRequest, reply: FastifyReply, status: Status): FastifyReply {
  let yaml = false;
  try {
    yaml = negotiateOutput(req.headers.accept, false) === 'yaml';
  } catch {
    // Nothing acceptable was offered (that may be the very error): JSON.
  }
  return yaml
    ? writeBytes(reply, status.code, YAML_TYPE, toYaml(status))
    : writeBytes(reply, status.code, JSON_TYPE, JSON.stringify(status));
}

/**
 * Watch frames of one object, encoded once and shared by every watch that sends the same event in the same
 * format: the objects of an event are shared by its watchers (one per version), so a hundred watchers cost
 * one JSON.stringify and one buffer instead of a hundred.
 */
const sharedFrames = new WeakMap<KubeObject, Map<string, Buffer>>();

function sharedFrame(object: KubeObject, key: string, encode: () => string): Buffer {
  let frames = sharedFrames.get(object);
  if (!frames) {
    frames = new Map();
    sharedFrames.set(object, frames);
  }
  let frame = frames.get(key);
  if (!frame) {
    frame = Buffer.from(encode());
    frames.set(key, frame);
  }
  return frame;
}

/** The encoder of one watch stream: a newline-terminated WatchEvent per event, as negotiated. */
export function watchEncoder(req: FastifyRequest, scope: ResourceScope): (type: string, object: KubeObject) => Buffer | string {
  const format = outputFormat(req);
  let headersSent = false;
  return (type, object) => {
    // A bookmark is made for one watch: nothing to share.
    const frame = (key: string, encode: () => string) => (type === 'BOOKMARK' ? encode() : sharedFrame(object, key, encode));
    if (format === 'PartialObjectMetadata' || format === 'PartialObjectMetadataList') {
      return frame(`partial ${type}`, () => `${JSON.stringify({ type, object: partialObjectMetadata(object) })}\n`);
    }
    if (format !== 'table' || type === 'BOOKMARK') return frame(type, () => `${JSON.stringify({ type, object })}\n`);
    // Only the first Table of a watch carries column definitions, as upstream's NoHeaders.
    const rows = table(req, scope, [object], { resourceVersion: object.metadata.resourceVersion }, headersSent);
    headersSent = true;
    return `${JSON.stringify({ type, object: rows })}\n`;
  };
}
