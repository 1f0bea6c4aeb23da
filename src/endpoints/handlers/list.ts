/** GET of a collection: a list (or its Table), or a watch when `watch=true`. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { listObjects } from '../../registry/rest/list.js';
import { boolParam, intParam, queryParam, sendList } from './respond.js';
import { namespaceOf, type RouteContext } from './route-context.js';
import { predicateFrom } from './selectors.js';
import { serveWatch } from './watch.js';

export async function listOrWatch(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (boolParam(req, 'watch')) return serveWatch(ctx, req, reply);
  const limit = intParam(req, 'limit');
  const listed = await listObjects(ctx.store, ctx.scope, {
    namespace: namespaceOf(req),
    predicate: predicateFrom(req, ctx.scope),
    limit: limit !== undefined && limit > 0 ? limit : undefined,
    continueToken: queryParam(req, 'continue'),
    resourceVersion: queryParam(req, 'resourceVersion'),
    resourceVersionMatch: queryParam(req, 'resourceVersionMatch'),
  });
  return sendList(req, reply, ctx.scope, listed.items, listed.metadata);
}
