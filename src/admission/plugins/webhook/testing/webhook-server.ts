/**
 * A real HTTPS webhook for the plugin tests: its own CA and serving certificate (for 127.0.0.1 and the DNS
 * names asked for), and one handler per path that answers each AdmissionReview it records.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCA, createCertificate } from '../../../../server/certificates/index.js';
import type { AdmissionRequest, AdmissionResponse } from '../types.js';

/** What a handler answers: a response for `response` (uid filled in), a raw reply, or no reply at all. */
export type Answer = AdmissionResponse | { raw: { status: number; body: string } } | 'hang';

export type Handler = (request: AdmissionRequest) => Answer | Promise<Answer>;

export interface WebhookServer {
  port: number;
  /** The CA that signed the serving certificate, base64 as a caBundle carries it. */
  caBundle: string;
  url(path: string): string;
  handle(path: string, handler: Handler): void;
  /** The reviews received on a path, oldest first. */
  received(path: string): AdmissionRequest[];
  close(): Promise<void>;
}

export async function startWebhookServer(dnsNames: string[] = []): Promise<WebhookServer> {
  const ca = await createCA({ commonName: 'webhook-ca' });
  const serving = await createCertificate(ca, { commonName: 'webhook', usage: 'serverAuth', ipAddresses: ['127.0.0.1'], dnsNames });
  const handlers = new Map<string, Handler>();
  const reviews = new Map<string, AdmissionRequest[]>();
  const server: Server = createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const path = (req.url ?? '').split('?')[0]!;
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      reviews.set(path, [...(reviews.get(path) ?? []), review.request]);
      const handler = handlers.get(path);
      const answer: Answer = handler ? await handler(review.request) : { allowed: true };
      if (answer === 'hang') return;
      if ('raw' in answer) {
        res.writeHead(answer.raw.status, { 'content-type': 'application/json' }).end(answer.raw.body);
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { uid: review.request.uid, ...answer } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    caBundle: Buffer.from(ca.cert).toString('base64'),
    url: (path) => `https://127.0.0.1:${port}${path}`,
    handle: (path, handler) => handlers.set(path, handler),
    received: (path) => reviews.get(path) ?? [],
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A JSON patch as a mutating webhook sends it. */
export function jsonPatch(ops: unknown[]): AdmissionResponse {
  return { allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
}
