/**
 * The one place errors become responses: a StatusError as its Status; Fastify's own request errors
 * (media type, body size, malformed body, a URL that does not decode, a method it does not know) and
 * requests Node's HTTP/1.1 parser refuses as the Status kube-apiserver gives for them, or the nearest one
 * where Go answers in plain text; anything else is a bug, logged, and answered as a 500 InternalError.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  isStatusError,
  newBadRequest,
  newInternalError,
  newMethodNotAllowed,
  newPathNotFound,
  newRequestEntityTooLarge,
  newUnsupportedMediaType,
  StatusError,
} from '../apimachinery/errors.js';
import { MAX_REQUEST_BODY_BYTES } from '../endpoints/negotiation/media-types.js';
import { warningsFor } from '../endpoints/request/context.js';
import { setWarnings, writeStatus } from '../endpoints/serializer.js';

const SUPPORTED_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/json-patch+json', 'application/merge-patch+json'];

function fromFastifyError(err: FastifyError): StatusError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return newUnsupportedMediaType(SUPPORTED_MEDIA_TYPES);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return newRequestEntityTooLarge(`Request entity too large: limit is ${MAX_REQUEST_BODY_BYTES}`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return newBadRequest(err.message);
    default:
      return undefined;
  }
}

function send(req: FastifyRequest, reply: FastifyReply, status: StatusError): FastifyReply {
  for (const [name, value] of Object.entries(status.headers)) reply.header(name, value);
  setWarnings(reply, warningsFor(req));
  return writeStatus(req, reply, status.status);
}

/** Errors Fastify meets before routing: a path that does not percent-decode (`%ZZ`). */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const status = err.code === 'FST_ERR_BAD_URL' ? newBadRequest(`invalid URL escape in the request path`) : newBadRequest(err.message);
  void send(req, reply, status);
}

const REASON_PHRASES: Record<number, string> = { 400: 'Bad Request', 405: 'Method Not Allowed', 431: 'Request Header Fields Too Large' };

/**
 * Requests Node's HTTP/1.1 parser refuses before any handler runs: an unknown method (Go routes any token
 * and answers 405), headers past the limit (431), anything malformed (400). Answered with a Status, then closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    err.code === 'HPE_INVALID_METHOD'
      ? newMethodNotAllowed()
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? new StatusError({ code: 431, reason: 'BadRequest', message: 'Request Header Fields Too Large' })
        : newBadRequest('the request could not be parsed as HTTP/1.1');
  const body = JSON.stringify(status.status);
  socket.end(
    `HTTP/1.1 ${status.code} ${REASON_PHRASES[status.code] ?? 'Bad Request'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The methods Fastify routes here; any other token is answered 405 before Fastify sees it. */
const ROUTED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * HTTP/2 (unlike Node's HTTP/1.1 parser) lets any method token through, and Fastify has no route for most:
 * it logs a router dump per request and answers 404. Go routes any token and answers 405, so do we, and
 * before Fastify, so no client can make the log grow.
 */
export function refuseUnknownMethods(server: Server): void {
  const [handler] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!handler) return;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (ROUTED_METHODS.has(req.method ?? '')) {
      handler(req, res);
      return;
    }
    const body = JSON.stringify(newMethodNotAllowed().status);
    res.writeHead(405, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let status = isStatusError(err) ? err : fromFastifyError(err);
    if (!status) {
      req.log.error({ err }, 'unexpected error: answered as an internal error');
      status = newInternalError(err);
    }
    return send(req, reply, status);
  });
  app.setNotFoundHandler((req, reply) => send(req, reply, newPathNotFound()));
}
