/**
 * /healthz, /livez and /readyz with kube-apiserver's output: `ok`, or with `?verbose` one `[+]name ok`
 * line per check; a failing check gives HTTP 500 and `[-]name failed: reason withheld`. Each check is also
 * served alone (`/readyz/<name>`), and `?exclude=<name>` leaves one out.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface HealthCheck {
  name: string;
  check(): boolean;
}

function queryList(req: FastifyRequest, name: string): string[] {
  const v = (req.query as Record<string, string | string[] | undefined>)[name];
  return v === undefined ? [] : ([] as string[]).concat(v);
}

function installEndpoint(app: FastifyInstance, path: string, checks: () => HealthCheck[]): void {
  const kind = path.slice(1);
  app.get(path, async (req, reply) => {
    const excluded = new Set(queryList(req, 'exclude'));
    const results = checks()
      .filter((c) => !excluded.has(c.name))
      .map((c) => ({ name: c.name, ok: c.check() }));
    const failed = results.some((r) => !r.ok);
    const verbose = (req.query as Record<string, unknown>).verbose !== undefined;
    reply
      .code(failed ? 500 : 200)
      .type('text/plain; charset=utf-8')
      .header('X-Content-Type-Options', 'nosniff');
    if (!failed && !verbose) return reply.send('ok');
    const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`));
    lines.push(failed ? `${kind} check failed` : `${kind} check passed`);
    return reply.send(`${lines.join('\n')}\n`);
  });
  app.get(`${path}/:check`, async (req, reply) => {
    const name = (req.params as { check: string }).check;
    const check = checks().find((c) => c.name === name);
    if (!check) return reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n');
    const ok = check.check();
    return reply
      .code(ok ? 200 : 500)
      .type('text/plain; charset=utf-8')
      .send(ok ? 'ok' : 'internal server error: reason withheld\n');
  });
}

export function installHealth(app: FastifyInstance, checks: { live: HealthCheck[]; ready: HealthCheck[] }): void {
  installEndpoint(app, '/healthz', () => checks.ready);
  installEndpoint(app, '/livez', () => checks.live);
  installEndpoint(app, '/readyz', () => checks.ready);
}
