/**
 * DELETE of one object (a Status of success once gone, or the object while finalizers hold it) and of a
 * collection (the list of what was deleted).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { deleteObject, preconditionsFrom } from '../../registry/rest/delete.js';
import { listObjects } from '../../registry/rest/list.js';
import { queryParam, sendList, sendObject, sendOther } from './respond.js';
import { nameOf, namespaceOf, type RouteContext } from './route-context.js';
import { predicateFrom } from './selectors.js';
import { writeOptions } from './write-options.js';

export async function deleteOne(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const opts = writeOptions(req);
  const { scope } = ctx;
  const result = await deleteObject(ctx.store, scope, namespaceOf(req), nameOf(req), preconditionsFrom(req.body), opts.dryRun);
  if (!result.deleted) return sendObject(req, reply, scope, 200, result.object);
  // The generic store answers a completed delete with a Status naming what went (Kind is the resource).
  return sendOther(req, reply, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: result.object.metadata.name, group: scope.gr.group, kind: scope.gr.resource, uid: result.object.metadata.uid },
  });
}

export async function deleteCollection(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const opts = writeOptions(req);
  const namespace = namespaceOf(req);
  const listed = await listObjects(ctx.store, ctx.scope, {
    namespace,
    predicate: predicateFrom(req, ctx.scope),
    resourceVersion: queryParam(req, 'resourceVersion'),
    resourceVersionMatch: queryParam(req, 'resourceVersionMatch'),
  });
  const deleted = [];
  for (const item of listed.items) {
    const ns = item.metadata.namespace ?? '';
    try {
      const result = await deleteObject(ctx.store, ctx.scope, ns, item.metadata.name ?? '', preconditionsFrom(req.body), opts.dryRun);
      deleted.push(result.object);
    } catch (err) {
      // Gone since the list was read: deleted by someone else, which is what was asked.
      if ((err as { status?: { code?: number } }).status?.code !== 404) throw err;
    }
  }
  return sendList(req, reply, ctx.scope, deleted, { resourceVersion: listed.metadata.resourceVersion });
}
