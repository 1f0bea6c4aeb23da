/** POST to a collection: 201 with the created object (or what a dry run would create). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setWarnings, writeObject } from '../serializer.js';
import { namespaceOf, type RouteContext } from './route-context.js';
import { writeOptions } from './write-options.js';

export async function createObject(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const opts = writeOptions(req, 'CreateOptions');
  const obj = await ctx.store.create(ctx.scope, namespaceOf(req), req.body, opts);
  setWarnings(reply, opts.warnings);
  return writeObject(req, reply, ctx.scope, 201, obj);
}
