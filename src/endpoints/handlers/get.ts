/** GET of one object. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { writeObject } from '../serializer.js';
import { nameOf, namespaceOf, type RouteContext } from './route-context.js';

export async function getObject(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const obj = await ctx.store.get(ctx.scope, namespaceOf(req), nameOf(req));
  return writeObject(req, reply, ctx.scope, 200, obj);
}
