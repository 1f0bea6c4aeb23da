/**
 * The authentication stage of the chain: runs before the body is read, records the user, removes the
 * credentials so no later stage (or log) sees them, and answers 401 with kube-apiserver's Status when the
 * credentials were bad.
 */
import type { FastifyInstance } from 'fastify';
import { newUnauthorized } from '../apimachinery/errors.js';
import { setUser } from '../endpoints/request/context.js';
import { ANONYMOUS, type Authenticator } from './authenticator.js';

export interface AuthenticationOptions {
  authenticator: Authenticator;
  /** Requests with no credentials at all become `system:anonymous`; bad credentials are always a 401. */
  anonymous: boolean;
  /**
   * The front-proxy identity headers and extra-header prefixes, lowercased as Node's parsed headers are,
   * removed once a request is authenticated.
   */
  identityHeaders?: () => { names: string[]; prefixes: string[] };
}

export function installAuthentication(app: FastifyInstance, opts: AuthenticationOptions): void {
  app.addHook('onRequest', async (req) => {
    let res: Awaited<ReturnType<Authenticator['authenticate']>>;
    try {
      res = await opts.authenticator.authenticate(req);
    } catch (err) {
      req.log.debug({ err }, 'unable to authenticate the request');
      throw newUnauthorized();
    }
    if (!res && !opts.anonymous) throw newUnauthorized();
    setUser(req, res?.user ?? ANONYMOUS);
    delete req.headers.authorization;
    const identity = opts.identityHeaders?.();
    if (!identity) return;
    const { names, prefixes } = identity;
    for (const h of Object.keys(req.headers)) {
      if (names.includes(h) || prefixes.some((p) => h.startsWith(p))) delete req.headers[h];
    }
  });
}
