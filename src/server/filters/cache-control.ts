/**
 * `WithCacheControl`: every response is `Cache-Control: no-cache, private` unless its handler chose otherwise
 * (discovery and OpenAPI documents are public), so no shared cache keeps one user's answer for another.
 */
import type { FastifyInstance } from 'fastify';

export function installCacheControl(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply) => {
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-cache, private');
  });
}
