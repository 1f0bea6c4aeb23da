/**
 * The authorization stage of the chain: decides from the user and RequestInfo before the body is read,
 * and answers 403 with kube-apiserver's message (`responsewriters.ForbiddenStatusError`), or 500 when the
 * decision could not be made: never allow on error.
 */
import type { FastifyInstance } from 'fastify';
import { StatusError } from '../apimachinery/errors.js';
import { requestInfoFrom, userFrom } from '../endpoints/request/context.js';
import { type Attributes, attributesOf, type Authorizer } from './authorizer.js';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function forbiddenMessage(a: Attributes, reason: string): string {
  let msg: string;
  if (a.isResourceRequest) {
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
    msg = `User "${a.user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${where}`;
  } else {
    msg = `User "${a.user.name}" cannot ${a.verb} path "${a.path}"`;
  }
  if (reason) msg += `: ${reason}`;
  return escapeHtml(msg);
}

export function forbidden(a: Attributes, reason: string): StatusError {
  const msg = forbiddenMessage(a, reason);
  if (!a.isResourceRequest) {
    return new StatusError({ code: 403, reason: 'Forbidden', message: `forbidden: ${msg}`, details: {} }, { 'X-Content-Type-Options': 'nosniff' });
  }
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  return new StatusError({
    code: 403,
    reason: 'Forbidden',
    message: a.name ? `${qualified} "${a.name}" is forbidden: ${msg}` : `${qualified} is forbidden: ${msg}`,
    details: { ...(a.name ? { name: a.name } : {}), group: a.apiGroup, kind: a.resource },
  }, { 'X-Content-Type-Options': 'nosniff' });
}

export function installAuthorization(app: FastifyInstance, opts: { authorizer: Authorizer }): void {
  app.addHook('onRequest', async (req) => {
    const user = userFrom(req);
    const info = requestInfoFrom(req);
    if (!user || !info) throw new Error('authorization ran before authentication or request info');
    const attrs = attributesOf(user, info);
    let res;
    try {
      res = await opts.authorizer.authorize(attrs);
    } catch (err) {
      req.log.error({ err }, 'authorization failed');
      throw new StatusError({ code: 500, reason: 'InternalError', message: `Internal Server Error: "${req.url}": ${err instanceof Error ? err.message : String(err)}` });
    }
    if (res.decision !== 'Allow') throw forbidden(attrs, res.reason);
  });
}
