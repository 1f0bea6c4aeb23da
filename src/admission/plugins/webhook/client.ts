/**
 * The HTTPS client that posts an AdmissionReview to a webhook (`util/webhook/client.go`): at its URL, or at
 * its service, dialled where the service resolver says while the certificate must still name
 * `<service>.<namespace>.svc`. The caBundle, when given, is the only trust. Failures read as client-go's do
 * (`Post "<url>": <cause>`), with the Go wording for the causes a webhook operator meets most.
 */
import { Agent, request } from 'node:https';
import { type Status, StatusError, type StatusReason } from '../../../apimachinery/errors.js';
import { goQuote } from '../../../apimachinery/go-format.js';
import { isPlainObject } from '../../../apimachinery/types.js';
import type { ServiceReference, WebhookClientConfig } from './types.js';

/** Where a service's endpoint is dialled, and the name its certificate must carry. */
export interface ServiceEndpoint {
  host: string;
  port: number;
  servername: string;
}

export type ServiceResolver = (ref: { namespace: string; name: string; port: number }) => ServiceEndpoint;

/** Upstream's default resolver: the service's cluster DNS name. */
export const defaultServiceResolver: ServiceResolver = ({ namespace, name, port }) => {
  const host = `${name}.${namespace}.svc`;
  return { host, port, servername: host };
};

/**
 * Connections are kept for the next review, as upstream's cached clients do; Node keys its pool by host, port,
 * CA and server name, so no two webhook configurations share a connection they should not.
 */
const agent = new Agent({ keepAlive: true });

/** Why a post failed: the text client-go's error would have, and the Status it carried, if any. */
export class PostError extends Error {
  constructor(
    message: string,
    readonly status?: StatusError,
  ) {
    super(message);
    this.name = 'PostError';
  }
}

interface Target {
  /** The URL as client-go prints it in errors, with the `timeout` parameter it adds. */
  url: string;
  host: string;
  port: number;
  path: string;
  servername: string;
  hostHeader: string;
  ca?: string;
}

/** Where to post; throws a plain Error (`ErrCallingWebhook`'s reason) for a client config that names nowhere. */
function targetOf(config: WebhookClientConfig, timeoutSeconds: number, resolve: ServiceResolver): Target {
  const ca = config.caBundle ? Buffer.from(config.caBundle, 'base64').toString('utf8') : undefined;
  const query = `?timeout=${timeoutSeconds}s`;
  if (config.service) return serviceTarget(config.service, query, ca, resolve);
  if (!config.url) throw new Error('webhook configuration must have either service or URL');
  let u: URL;
  try {
    u = new URL(config.url);
  } catch (err) {
    throw new Error(`Unparsable URL: ${(err as Error).message}`);
  }
  const hostname = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    url: `${u.protocol}//${u.host}${u.pathname}${query}`,
    host: hostname,
    port: Number(u.port || 443),
    path: `${u.pathname}${query}`,
    servername: hostname,
    hostHeader: u.host,
    ca,
  };
}

function serviceTarget(svc: ServiceReference, query: string, ca: string | undefined, resolve: ServiceResolver): Target {
  const port = svc.port ?? 443;
  const host = `${svc.name}.${svc.namespace}.svc:${port}`;
  const path = `${svc.path || '/'}${query}`;
  const endpoint = resolve({ namespace: svc.namespace, name: svc.name, port });
  return {
    url: `https://${host}${path}`,
    host: endpoint.host,
    port: endpoint.port,
    path,
    servername: endpoint.servername,
    hostHeader: host,
    ca,
  };
}

/**
 * Posts the review and resolves with the decoded JSON answer. Rejects with a plain Error for a bad client
 * config, and with a PostError for a failed exchange: transport, TLS, `context deadline exceeded` after
 * `timeoutSeconds`, a non-2xx status (its Status), or a body that is not JSON.
 */
export async function postAdmissionReview(
  config: WebhookClientConfig,
  review: unknown,
  timeoutSeconds: number,
  resolve: ServiceResolver,
): Promise<unknown> {
  const target = targetOf(config, timeoutSeconds, resolve);
  const body = JSON.stringify(review);
  return new Promise((resolvePromise, reject) => {
    const fail = (message: string, status?: StatusError) => reject(new PostError(message, status));
    const req = request(
      {
        method: 'POST',
        host: target.host,
        port: target.port,
        path: target.path,
        servername: isIP(target.servername) ? undefined : target.servername,
        ca: target.ca,
        agent,
        headers: {
          Host: target.hostHeader,
          'Content-Type': 'application/json',
          Accept: 'application/json, */*',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => fail(`Post ${goQuote(target.url)}: ${goCause(err, target)}`));
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code < 200 || code > 299) return fail(...unexpectedStatus(code, text));
          try {
            resolvePromise(JSON.parse(text));
          } catch (err) {
            fail(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
          }
        });
      },
    );
    // The whole exchange shares the deadline, as the request context does upstream.
    const timer = setTimeout(() => req.destroy(new DeadlineExceeded()), timeoutSeconds * 1000);
    req.on('error', (err) => {
      clearTimeout(timer);
      fail(`Post ${goQuote(target.url)}: ${goCause(err, target)}`);
    });
    req.end(body);
  });
}

class DeadlineExceeded extends Error {
  constructor() {
    super('context deadline exceeded');
  }
}

const isIP = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(':');

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

/** The cause as Go's net/http and crypto/tls would word it, where the two differ in words only. */
function goCause(err: Error & { code?: string; cert?: { subjectaltname?: string } }, target: Target): string {
  if (err instanceof DeadlineExceeded) return err.message;
  const verify = 'tls: failed to verify certificate: x509: ';
  if (err.code === 'ECONNREFUSED') return `dial tcp ${hostPort(target)}: connect: connection refused`;
  if (err.code === 'ENOTFOUND') return `dial tcp: lookup ${target.host}: no such host`;
  if (err.code && UNKNOWN_AUTHORITY.has(err.code)) return `${verify}certificate signed by unknown authority`;
  if (err.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    // Go lists the certificate's IP addresses for an IP, its DNS names for a name.
    const kind = isIP(target.servername) ? 'IP Address:' : 'DNS:';
    const names = (err.cert?.subjectaltname ?? '')
      .split(', ')
      .filter((n) => n.startsWith(kind))
      .map((n) => n.slice(kind.length));
    return `${verify}certificate is valid for ${names.join(', ')}, not ${target.servername}`;
  }
  if (err.code === 'CERT_HAS_EXPIRED' || err.code === 'CERT_NOT_YET_VALID') return `${verify}certificate has expired or is not yet valid`;
  return err.message;
}

const hostPort = (t: Target): string => (t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`);

/**
 * client-go's reading of a non-2xx answer: the Status the webhook sent, else `NewGenericServerResponse`'s
 * message for the code.
 */
function unexpectedStatus(code: number, body: string): [string, StatusError] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isPlainObject(parsed) && parsed.kind === 'Status') {
    const s = parsed as Partial<Status>;
    const err = new StatusError({
      code: s.code || code,
      message: s.message ?? '',
      ...(s.reason ? { reason: s.reason } : {}),
      details: s.details,
    });
    return [err.status.message ?? '', err];
  }
  const [reason, message] = genericResponse(code, body.trim());
  return [
    message,
    new StatusError({
      code,
      message,
      ...(reason ? { reason } : {}),
      details: { causes: [{ reason: 'UnexpectedServerResponse', message: body.trim() }] },
    }),
  ];
}

function genericResponse(code: number, serverMessage: string): [StatusReason | undefined, string] {
  switch (code) {
    case 400:
      return ['BadRequest', 'the server rejected our request for an unknown reason'];
    case 401:
      return ['Unauthorized', 'the server has asked for the client to provide credentials'];
    case 403:
      return ['Forbidden', serverMessage];
    case 404:
      return ['NotFound', 'the server could not find the requested resource'];
    case 405:
      return ['MethodNotAllowed', 'the server does not allow this method on the requested resource'];
    case 429:
      return ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'];
    case 503:
      return ['ServiceUnavailable', 'the server is currently unable to handle the request'];
    case 504:
      return ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'];
  }
  if (code >= 500) return ['InternalError', `an error on the server (${goQuote(serverMessage)}) has prevented the request from succeeding`];
  return [undefined, `the server responded with the status code ${code} but did not return more information`];
}
