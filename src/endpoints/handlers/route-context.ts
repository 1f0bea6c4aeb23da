/** What a route handler is bound to: the resource's store and the scope of the URL's version. */
import type { FastifyRequest } from 'fastify';
import type { ResourceStore } from '../../registry/rest/resource-store.js';
import type { ResourceScope } from '../../registry/rest/scope.js';
import type { WatchRegistry } from './watch-registry.js';

export interface RouteContext {
  store: ResourceStore;
  scope: ResourceScope;
  watches: WatchRegistry;
}

interface Params {
  namespace?: string;
  name?: string;
}

export function namespaceOf(req: FastifyRequest): string {
  return (req.params as Params).namespace ?? '';
}

export function nameOf(req: FastifyRequest): string {
  return (req.params as Params).name ?? '';
}
