/** GET, PUT and PATCH of /scale, through the resource's main update path. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { applyScale, scaleOf } from '../../registry/rest/scale.js';
import { applyJsonPatch, applyMergePatch, patchTypeFromContentType, unsupportedPatchType } from '../patch/index.js';
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
  let patchType: 'json' | 'merge' | undefined;
  if (req.method === 'PATCH') {
    const contentType = req.headers['content-type'] ?? '';
    const type = patchTypeFromContentType(contentType);
    if (type !== 'json' && type !== 'merge') throw unsupportedPatchType();
    patchType = type;
  }
  const body = req.body;
  const obj = await ctx.store.patch(
    ctx.scope,
    namespaceOf(req),
    nameOf(req),
    '',
    (current) => {
      const scale = scaleOf(current, sub);
      const wanted = patchType === undefined ? body : patchType === 'json' ? applyJsonPatch(scale, body) : applyMergePatch(scale, body);
      return applyScale(current, wanted, sub, patchType === undefined ? nameOf(req) : undefined);
    },
    opts,
  );
  setWarnings(reply, opts.warnings);
  return writeOther(req, reply, 200, scaleOf(obj, sub));
}
