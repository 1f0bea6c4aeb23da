/**
 * DELETE of one object (a Status of success once gone, or the object while finalizers hold it) and of a
 * collection (the list of what was selected for deletion), with DeleteOptions from the body or the query.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { newDeleteSuccess } from '../../apimachinery/errors.js';
import { deleteOptionsFrom } from './delete-options.js';
import { queryParam } from './query.js';
import { setWarnings, writeList, writeObject, writeOther } from '../serializer.js';
import { nameOf, namespaceOf, type RouteContext } from './route-context.js';
import { predicateFrom } from './selectors.js';
import { admissionContext } from './write-options.js';

export async function deleteOne(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { scope } = ctx;
  const options = deleteOptionsFrom(req, scope);
  const admission = admissionContext(req);
  const result = await ctx.store.delete(scope, namespaceOf(req), nameOf(req), options, admission);
  setWarnings(reply, admission.warnings);
  if (!result.deleted) {
    // 202 only where upstream keeps it for old clients: a cascading delete asked with orphanDependents=false.
    return writeObject(req, reply, scope, options.orphanDependents === false ? 202 : 200, result.object);
  }
  return writeOther(req, reply, 200, newDeleteSuccess(scope.gr, result.object.metadata.name, result.object.metadata.uid));
}

export async function deleteCollection(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const listParams = {
    namespace: namespaceOf(req),
    predicate: predicateFrom(req, ctx.scope),
    resourceVersion: queryParam(req, 'resourceVersion'),
    resourceVersionMatch: queryParam(req, 'resourceVersionMatch'),
  };
  const options = deleteOptionsFrom(req, ctx.scope);
  const admission = admissionContext(req);
  const listed = await ctx.store.deleteCollection(ctx.scope, options, listParams, admission);
  setWarnings(reply, admission.warnings);
  return writeList(req, reply, ctx.scope, listed.items, listed.metadata);
}
