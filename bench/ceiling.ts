/**
 * The ceiling for `npm run bench`: a bare Fastify HTTPS server with the same certificates and client-certificate
 * request, answering any request (its body read, whatever its type) with a small JSON body, with nothing of
 * the apiserver in the way. A second argument adds that many microseconds of busy work to each request: the
 * bench's calibration of what a microsecond of server work costs in throughput on this machine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';

const dir = process.argv[2] ?? 'data/local';
const workNs = Number(process.argv[3] ?? 0) * 1000;
const app = Fastify({
  https: {
    cert: readFileSync(join(dir, 'serving.crt')),
    key: readFileSync(join(dir, 'serving.key')),
    ca: readFileSync(join(dir, 'ca.crt')),
    requestCert: true,
    rejectUnauthorized: false,
  },
});
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.all('/*', async (req, reply) => {
  if (workNs > 0) {
    const until = process.hrtime.bigint() + BigInt(workNs);
    while (process.hrtime.bigint() < until);
  }
  reply.code(req.method === 'POST' ? 201 : 200);
  return { kind: 'Status', apiVersion: 'v1', status: 'Success' };
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`serving on ${address}\n`);
process.once('SIGTERM', () => void app.close());
