/** PUT of an object or of its /status: 200 with the stored object. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setWarnings, writeObject } from '../serializer.js';
import { nameOf, namespaceOf, type RouteContext } from './route-context.js';
import { writeOptions } from './write-options.js';

export function updateObject(subresource: string) {
  return async (ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const opts = writeOptions(req, 'UpdateOptions');
    const obj = await ctx.store.update(ctx.scope, namespaceOf(req), nameOf(req), req.body, subresource, opts);
    setWarnings(reply, opts.warnings);
    return writeObject(req, reply, ctx.scope, 200, obj);
  };
}
