/**
 * PATCH of an object or of its /status. Custom resources take JSON patch and merge patch; strategic merge
 * patch and server-side apply are refused with 415, as kube-apiserver does for them (kubectl then falls
 * back to a merge patch).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { patcherFor } from '../patch/index.js';
import { setWarnings, writeObject } from '../serializer.js';
import { nameOf, namespaceOf, type RouteContext } from './route-context.js';
import { writeOptions } from './write-options.js';

export function patchObject(subresource: string) {
  return async (ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const patcher = patcherFor(req.headers['content-type']);
    const opts = writeOptions(req, 'PatchOptions');
    opts.strictErrors = opts.strictErrors.map((e) => `${patcher.strictPrefix}${e}`);
    const body = req.body;
    const obj = await ctx.store.patch(
      ctx.scope,
      namespaceOf(req),
      nameOf(req),
      subresource,
      (current) => patcher.apply(current, body),
      opts,
    );
    setWarnings(reply, opts.warnings);
    return writeObject(req, reply, ctx.scope, 200, obj);
  };
}
