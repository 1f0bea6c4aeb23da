/**
 * PATCH of an object or of its /status. Custom resources take JSON patch, merge patch and server-side
 * apply; strategic merge patch is refused with 415, as kube-apiserver does for them (kubectl then falls back
 * to a merge patch). An apply creates the object when it is absent, answering 201.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isApplyPatch, patcherFor } from '../patch/index.js';
import { yamlStrictErrorFrom } from '../request/context.js';
import { setWarnings, writeObject } from '../serializer.js';
import { nameOf, namespaceOf, type RouteContext } from './route-context.js';
import { writeOptions } from './write-options.js';

export function patchObject(subresource: string) {
  return async (ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const contentType = req.headers['content-type'];
    if (isApplyPatch(contentType)) {
      const opts = writeOptions(req, 'PatchOptions', true);
      const { object, created } = await ctx.store.apply(
        ctx.scope,
        namespaceOf(req),
        nameOf(req),
        subresource,
        req.body,
        opts,
        yamlStrictErrorFrom(req),
      );
      setWarnings(reply, opts.warnings);
      return writeObject(req, reply, ctx.scope, created ? 201 : 200, object);
    }
    const patcher = patcherFor(contentType);
    const opts = writeOptions(req, 'PatchOptions', false);
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
