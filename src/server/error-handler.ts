/**
 * The one place errors become responses: a StatusError as its Status; Fastify's own request errors
 * (media type, body size, malformed body) as the Status kube-apiserver gives for them; anything else is a
 * bug, logged, and answered as a 500 InternalError.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import {
  isStatusError, newBadRequest, newInternalError, newPathNotFound, newRequestEntityTooLarge,
  newUnsupportedMediaType, type StatusError,
} from '../apimachinery/errors.js';
import { MAX_REQUEST_BODY_BYTES } from '../endpoints/negotiation/media-types.js';

const SUPPORTED_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/json-patch+json', 'application/merge-patch+json'];

function fromFastifyError(err: FastifyError, contentType: string): StatusError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return newUnsupportedMediaType(contentType, SUPPORTED_MEDIA_TYPES);
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

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let status = isStatusError(err) ? err : fromFastifyError(err, req.headers['content-type'] ?? '');
    if (!status) {
      req.log.error({ err }, 'unexpected error: answered as an internal error');
      status = newInternalError(err);
    }
    for (const [name, value] of Object.entries(status.headers)) reply.header(name, value);
    return reply.code(status.code).type('application/json').send(JSON.stringify(status.status));
  });
  app.setNotFoundHandler((_req, reply) => {
    const status = newPathNotFound();
    return reply.code(404).type('application/json').send(JSON.stringify(status.status));
  });
}
