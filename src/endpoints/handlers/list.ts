/** GET of a collection: a list (or its Table), or a watch when `watch=true` or on a legacy `/watch/` path. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestInfoFrom } from '../request/context.js';
import { isLongRunning } from '../request/long-running.js';
import { intParam, optionalBoolParam, queryParam } from './query.js';
import { outputFormat, writeList, writeRawList, writeRawMetadataList, writeRawTable } from '../serializer.js';
import { nameOf, namespaceOf, type RouteContext } from './route-context.js';
import { predicateFrom } from './selectors.js';
import { serveWatch } from './watch.js';

export async function listOrWatch(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (isLongRunning(requestInfoFrom(req))) return serveWatch(ctx, req, reply);
  const limit = intParam(req, 'limit');
  const format = outputFormat(req);
  const listed = await ctx.store.list(ctx.scope, {
    // A JSON list splices the stored text; a Table's rows, and a metadata list's items, are made from it.
    raw: format === 'json' || format === 'table' || format === 'PartialObjectMetadataList',
    namespace: namespaceOf(req),
    predicate: predicateFrom(req, ctx.scope),
    limit: limit !== undefined && limit > 0 ? limit : undefined,
    continueToken: queryParam(req, 'continue'),
    resourceVersion: queryParam(req, 'resourceVersion'),
    resourceVersionMatch: queryParam(req, 'resourceVersionMatch'),
    sendInitialEvents: optionalBoolParam(req, 'sendInitialEvents'),
  });
  const raw = listed.rawItems;
  if (raw) {
    try {
      if (format === 'table') return await writeRawTable(req, reply, ctx.scope, raw, listed.metadata);
      if (format === 'PartialObjectMetadataList') return await writeRawMetadataList(reply, raw, listed.metadata);
      return await writeRawList(reply, ctx.scope, raw, listed.metadata);
    } catch (err) {
      // Refused before its items were read (a bad includeObject): the read view is released all the same.
      raw.close();
      throw err;
    }
  }
  return writeList(req, reply, ctx.scope, listed.items, listed.metadata);
}

/** The legacy `/watch/...` paths: always a watch; with a name, of that object alone. */
export async function legacyWatch(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  return serveWatch(ctx, req, reply, nameOf(req) || undefined);
}
