/**
 * Discovery routes: `/apis` (aggregated v2 when the Accept header asks for it, with ETag and 304; the v1
 * APIGroupList otherwise), `/apis/<group>`, `/apis/<group>/<version>`, and `/version`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newMethodNotAllowed, newNotAcceptable, newPathNotFound } from '../../apimachinery/errors.js';
import type { ResourceDefinition } from '../../registry/definitions/types.js';
import { versionInfo } from '../../version/version.js';
import { parseAccept } from '../negotiation/accept.js';
import { writeBytes } from '../serializer.js';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, etagOf } from './documents.js';

const V2_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/**
 * Whether the first acceptable type the client lists is aggregated discovery v2 (true) or the legacy
 * APIGroupList (false). Since 1.33 v2beta1 is no longer served: an Accept that names nothing else is a 406.
 */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return false;
  for (const r of ranges) {
    if (r.params.as === 'APIGroupDiscoveryList' && r.params.g === 'apidiscovery.k8s.io' && r.params.v === 'v2') return true;
    if (r.params.as === undefined && ['application/json', 'application/*', '*/*'].includes(r.type)) return false;
  }
  throw newNotAcceptable(
    'only the following media types are accepted: application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  );
}

/** A GET route that answers every other method with kube-apiserver's 405 Status. */
function get(app: FastifyInstance, url: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>): void {
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url,
    exposeHeadRoute: false,
    handler: async (req, reply) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw newMethodNotAllowed();
      return handler(req, reply);
    },
  });
}

const json = (reply: FastifyReply, body: unknown): FastifyReply => writeBytes(reply, 200, 'application/json', JSON.stringify(body));

export function installDiscoveryRoutes(app: FastifyInstance, getDefs: () => ResourceDefinition[]): void {
  let cached: { defs: ResourceDefinition[]; body: string; etag: string } | undefined;
  const v2 = (): { body: string; etag: string } => {
    const defs = getDefs();
    if (cached?.defs !== defs) {
      const body = JSON.stringify(aggregatedDiscovery(defs));
      cached = { defs, body, etag: etagOf(body) };
    }
    return cached;
  };
  const version = versionInfo();

  get(app, '/apis', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!wantsAggregatedDiscovery(req.headers.accept)) return json(reply.header('Vary', 'Accept'), apiGroupList(getDefs()));
    const doc = v2();
    reply.header('Vary', 'Accept').header('Cache-Control', 'public').header('ETag', doc.etag);
    if (req.headers['if-none-match'] === doc.etag) return reply.code(304).send();
    return writeBytes(reply, 200, V2_CONTENT_TYPE, doc.body);
  });
  get(app, '/apis/:group', async (req, reply) => {
    const g = apiGroup(getDefs(), (req.params as { group: string }).group);
    if (!g) throw newPathNotFound();
    return json(reply, g);
  });
  get(app, '/apis/:group/:version', async (req, reply) => {
    const { group, version: v } = req.params as { group: string; version: string };
    const list = apiResourceList(getDefs(), group, v);
    if (!list) throw newPathNotFound();
    return json(reply, list);
  });
  app.get('/version', async (_req, reply) => json(reply, version));
}
