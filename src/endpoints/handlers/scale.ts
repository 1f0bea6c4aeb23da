/** GET, PUT and PATCH of /scale, through the resource's main update path. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { applyScale, scaleOf } from '../../registry/rest/scale.js';
import { patcherFor } from '../patch/index.js';
import { setWarnings, writeOther } from '../serializer.js';
import { nameOf, namespaceOf, type RouteContext } from './route-context.js';
import { writeOptions } from './write-options.js';

function scaleSpec(ctx: RouteContext) {
  const sub = ctx.scope.version.subresources.scale;
  if (!sub) throw new Error('scale route installed without a scale subresource');
  return sub;
}

export async function getScale(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const obj = await ctx.store.get(ctx.scope, namespaceOf(req), nameOf(req));
  return writeOther(req, reply, 200, scaleOf(obj, scaleSpec(ctx)));
}

export async function updateScale(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const sub = scaleSpec(ctx);
  const opts = writeOptions(req, req.method === 'PATCH' ? 'PatchOptions' : 'UpdateOptions');
  // PUT takes a whole Scale; PATCH patches the Scale read from the object.
  const patcher = req.method === 'PATCH' ? patcherFor(req.headers['content-type']) : undefined;
  const body = req.body;
  const obj = await ctx.store.patch(
    ctx.scope,
    namespaceOf(req),
    nameOf(req),
    // The object's update path, recorded in managedFields as a write through /scale.
    'scale',
    (current) => {
      const wanted = patcher ? patcher.apply(scaleOf(current, sub), body) : body;
      return applyScale(current, wanted, sub, patcher ? undefined : nameOf(req));
    },
    opts,
  );
  setWarnings(reply, opts.warnings);
  return writeOther(req, reply, 200, scaleOf(obj, sub));
}
