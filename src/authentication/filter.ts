/**
 * The authentication stage of the chain: runs before the body is read, records the user, removes the
 * credentials so no later stage (or log) sees them, and answers 401 with kube-apiserver's Status when the
 * credentials were bad.
 */
import type { FastifyInstance } from 'fastify';
import { newUnauthorized } from '../apimachinery/errors.js';
import { setUser } from '../endpoints/request/context.js';
import type { Authenticator } from './authenticator.js';

export interface AuthenticationOptions {
  authenticator: Authenticator;
  /** Header names that carry identity (front-proxy headers); removed after authentication. */
  identityHeaders?: string[];
  /** Header prefixes that carry identity extras; removed after authentication. */
  identityHeaderPrefixes?: string[];
}

export function installAuthentication(app: FastifyInstance, opts: AuthenticationOptions): void {
  const names = (opts.identityHeaders ?? []).map((h) => h.toLowerCase());
  const prefixes = (opts.identityHeaderPrefixes ?? []).map((h) => h.toLowerCase());
  app.addHook('onRequest', async (req) => {
    let res;
    try {
      res = await opts.authenticator.authenticate(req);
    } catch (err) {
      req.log.debug({ err }, 'unable to authenticate the request');
      throw newUnauthorized();
    }
    if (!res) throw newUnauthorized();
    setUser(req, res.user);
    delete req.headers.authorization;
    for (const h of Object.keys(req.headers)) {
      if (names.includes(h) || prefixes.some((p) => h.startsWith(p))) delete req.headers[h];
    }
  });
}
