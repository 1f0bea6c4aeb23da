/**
 * The authorization stage of the chain: decides from the user and RequestInfo before the body is read,
 * and answers 403 with kube-apiserver's message (`responsewriters.ForbiddenStatusError`), or 500 when the
 * decision could not be made: never allow on error.
 */
import type { FastifyInstance } from 'fastify';
import { StatusError } from '../apimachinery/errors.js';
import { requestInfoFrom, userFrom } from '../endpoints/request/context.js';
import { parseFieldSelector } from '../endpoints/selectors/fields.js';
import { parseLabelSelector } from '../endpoints/selectors/labels.js';
import { type Attributes, attributesOf, type Authorizer, type SelectorRequirement } from './authorizer.js';

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
    return new StatusError(
      { code: 403, reason: 'Forbidden', message: `forbidden: ${msg}`, details: {} },
      { 'X-Content-Type-Options': 'nosniff' },
    );
  }
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  return new StatusError(
    {
      code: 403,
      reason: 'Forbidden',
      message: a.name ? `${qualified} "${a.name}" is forbidden: ${msg}` : `${qualified} is forbidden: ${msg}`,
      details: { ...(a.name ? { name: a.name } : {}), group: a.apiGroup, kind: a.resource },
    },
    { 'X-Content-Type-Options': 'nosniff' },
  );
}

const SELECTOR_VERBS = new Set(['list', 'watch', 'deletecollection']);

/** Adds a list's selectors as requirements; a selector that does not parse is left out (the handler refuses it). */
export function withSelectors(a: Attributes, url: string): Attributes {
  if (!a.isResourceRequest || !SELECTOR_VERBS.has(a.verb)) return a;
  const q = url.indexOf('?');
  const query = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  const out = { ...a };
  const labels = query.get('labelSelector');
  if (labels) {
    try {
      out.labelSelector = parseLabelSelector(labels).flatMap((r): SelectorRequirement[] => {
        switch (r.operator) {
          case '=':
          case '==':
          case 'in':
            return [{ key: r.key, operator: 'In', values: r.values }];
          case '!=':
          case 'notin':
            return [{ key: r.key, operator: 'NotIn', values: r.values }];
          case 'exists':
            return [{ key: r.key, operator: 'Exists' }];
          case '!':
            return [{ key: r.key, operator: 'DoesNotExist' }];
          default:
            return [];
        }
      });
    } catch {
      // Left out of the review; the list itself answers 400.
    }
  }
  const fields = query.get('fieldSelector');
  if (fields) {
    try {
      out.fieldSelector = parseFieldSelector(fields, () => true).map((r) => ({
        key: r.field,
        operator: r.operator === '=' ? ('In' as const) : ('NotIn' as const),
        values: [r.value],
      }));
    } catch {
      // As above.
    }
  }
  return out;
}

export function installAuthorization(app: FastifyInstance, opts: { authorizer: Authorizer }): void {
  app.addHook('onRequest', async (req) => {
    const user = userFrom(req);
    const info = requestInfoFrom(req);
    if (!user || !info) throw new Error('authorization ran before authentication or request info');
    const attrs = withSelectors(attributesOf(user, info), req.url);
    let res: Awaited<ReturnType<Authorizer['authorize']>>;
    try {
      res = await opts.authorizer.authorize(attrs);
    } catch (err) {
      req.log.error({ err }, 'authorization failed');
      throw new StatusError({
        code: 500,
        reason: 'InternalError',
        message: `Internal Server Error: "${req.url}": ${err instanceof Error ? err.message : String(err)}`,
      });
    }
    if (res.decision !== 'Allow') throw forbidden(attrs, res.reason);
  });
}
