/**
 * `WithCacheControl`: every response is `Cache-Control: no-cache, private` unless its handler chooses otherwise
 * (discovery and OpenAPI documents are public), so no shared cache keeps one user's answer for another. Set
 * before the handler runs, as upstream's filter does, so a handler's own value replaces it.
 */
import type { FastifyInstance } from 'fastify';

export function installCacheControl(app: FastifyInstance): void {
  app.addHook('onRequest', async (_req, reply) => {
    reply.header('Cache-Control', 'no-cache, private');
  });
}
