/**
 * PATCH of an object or of its /status. Custom resources take JSON patch and merge patch; strategic merge
 * patch and server-side apply are refused with 415, as kube-apiserver does for them (kubectl then falls
 * back to a merge patch).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { applyJsonPatch, applyMergePatch, patchTypeFromContentType, unsupportedPatchType } from '../patch/index.js';
import { setWarnings, writeObject } from '../serializer.js';
import { nameOf, namespaceOf, type RouteContext } from './route-context.js';
import { writeOptions } from './write-options.js';

export function patchObject(subresource: string) {
  return async (ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const contentType = req.headers['content-type'] ?? '';
    const type = patchTypeFromContentType(contentType);
    if (type !== 'json' && type !== 'merge') throw unsupportedPatchType();
    const opts = writeOptions(req, 'PatchOptions');
    if (type === 'json') opts.strictErrors = opts.strictErrors.map((e) => `json patch ${e}`);
    const body = req.body;
    const obj = await ctx.store.patch(
      ctx.scope,
      namespaceOf(req),
      nameOf(req),
      subresource,
      (current) => (type === 'json' ? applyJsonPatch(current, body) : applyMergePatch(current, body)),
      opts,
    );
    setWarnings(reply, opts.warnings);
    return writeObject(req, reply, ctx.scope, 200, obj);
  };
}
