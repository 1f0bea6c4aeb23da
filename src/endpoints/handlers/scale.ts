/** GET, PUT and PATCH of /scale, through the resource's main update path. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { applyScale, scaleOf } from '../../registry/rest/scale.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { ScaleSubresource } from '../../registry/definitions/types.js';
import { applyScaleConfig, toParent, toSubresource } from '../../registry/fieldmanager/scale.js';
import { isApplyPatch, patcherFor } from '../patch/index.js';
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
  if (req.method === 'PATCH' && isApplyPatch(req.headers['content-type'])) return applyToScale(ctx, req, reply, sub);
  // A non-apply PATCH may not force, as on the object itself.
  const opts = req.method === 'PATCH' ? writeOptions(req, 'PatchOptions', false) : writeOptions(req, 'UpdateOptions');
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

/**
 * Server-side apply of a Scale: the apply runs on the Scale, with the object's managers of its replicas as
 * the Scale's (toSubresource), and its managedFields are mapped back onto the object's (toParent).
 */
async function applyToScale(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply, sub: ScaleSubresource): Promise<FastifyReply> {
  const opts = writeOptions(req, 'PatchOptions', true);
  const { def, version } = ctx.scope;
  const body = req.body;
  const obj = await ctx.store.patch(
    ctx.scope,
    namespaceOf(req),
    nameOf(req),
    'scale',
    (current) => {
      const live = scaleOf(current, sub);
      live.metadata.managedFields = toSubresource(def, current.metadata.managedFields);
      const applied = applyScaleConfig(live as unknown as KubeObject, body, opts.fieldManager, opts.force === true);
      const next = applyScale(current, applied, sub);
      const managedFields = toParent(def, version.name, current.metadata.managedFields, applied.metadata.managedFields);
      if (managedFields) next.metadata.managedFields = managedFields;
      else delete next.metadata.managedFields;
      return next;
    },
    opts,
    true,
  );
  setWarnings(reply, opts.warnings);
  return writeOther(req, reply, 200, scaleOf(obj, sub));
}
