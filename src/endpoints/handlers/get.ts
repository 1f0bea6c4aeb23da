/** GET of one object. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { outputFormat, writeObject, writeRawObject } from '../serializer.js';
import { nameOf, namespaceOf, type RouteContext } from './route-context.js';

export async function getObject(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  // JSON in the storage version: the stored text as it is, as a list splices it.
  if (outputFormat(req) === 'json') {
    const raw = await ctx.store.getRaw(ctx.scope, namespaceOf(req), nameOf(req));
    if (raw !== undefined) return writeRawObject(reply, raw);
  }
  const obj = await ctx.store.get(ctx.scope, namespaceOf(req), nameOf(req));
  return writeObject(req, reply, ctx.scope, 200, obj);
}
