/**
 * OpenAPI routes as kube-openapi serves them: `/openapi/v2`; `/openapi/v3` (the root listing each
 * group-version's document with its hash) and `/openapi/v3/apis/<g>/<v>`, whose `?hash=` URLs are immutable
 * (a stale hash is redirected to the current one). ETags are quoted uppercase SHA-512; If-None-Match gives 304.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newPathNotFound } from '../../apimachinery/errors.js';
import type { ResourceDefinition } from '../../registry/definitions/types.js';
import { etagOf, servedGroups } from '../discovery/documents.js';
import { writeBytes } from '../serializer.js';
import { openAPIV2, openAPIV3, openAPIV3Group } from './documents.js';

interface Built {
  body: string;
  etag: string;
}

function build(doc: unknown): Built {
  const body = JSON.stringify(doc);
  return { body, etag: etagOf(body) };
}

function send(req: FastifyRequest, reply: FastifyReply, doc: Built): FastifyReply {
  reply.header('ETag', doc.etag).header('Vary', 'Accept');
  if (req.headers['if-none-match'] === doc.etag) return reply.code(304).send();
  return writeBytes(reply, 200, 'application/json', doc.body);
}

export function installOpenAPIRoutes(app: FastifyInstance, getDefs: () => ResourceDefinition[]): void {
  let cache: { defs: ResourceDefinition[]; v2: Built; v3: Map<string, Built> } | undefined;
  const docs = (): NonNullable<typeof cache> => {
    const defs = getDefs();
    if (cache?.defs !== defs) {
      const v3 = new Map<string, Built>();
      for (const g of servedGroups(defs)) {
        // The group's discovery document too, as the reference lists `apis/<group>` in its root.
        v3.set(`apis/${g.group}`, build(openAPIV3Group(g.group)));
        for (const v of g.versions) v3.set(`apis/${g.group}/${v}`, build(openAPIV3(defs, g.group, v)));
      }
      cache = { defs, v2: build(openAPIV2(defs)), v3 };
    }
    return cache;
  };
  const hashOf = (b: Built): string => b.etag.slice(1, -1);

  app.get('/openapi/v2', async (req, reply) => send(req, reply, docs().v2));
  app.get('/openapi/v3', async (_req, reply) => {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [key, doc] of docs().v3) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(doc)}` };
    return writeBytes(reply, 200, 'application/json', JSON.stringify({ paths }));
  });
  const serveV3 = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { group, version } = req.params as { group: string; version?: string };
    const key = version === undefined ? `apis/${group}` : `apis/${group}/${version}`;
    const doc = docs().v3.get(key);
    if (!doc) throw newPathNotFound();
    const hash = (req.query as { hash?: string }).hash;
    if (hash !== undefined) {
      if (hash !== hashOf(doc)) return reply.redirect(`/openapi/v3/${key}?hash=${hashOf(doc)}`, 301);
      reply.header('Cache-Control', 'public, immutable').header('Expires', new Date(Date.now() + 365 * 86_400_000).toUTCString());
    }
    return send(req, reply, doc);
  };
  app.get('/openapi/v3/apis/:group', serveV3);
  app.get('/openapi/v3/apis/:group/:version', serveV3);
}
