/**
 * The authenticator contract and the union that tries authenticators in Kubernetes' order
 * (`authenticatorfactory/delegating.go`): the first user wins; errors are remembered and reported when no
 * authenticator produced a user. (Anonymous is not part of the union: the filter falls back to it only
 * when every authenticator had no opinion.)
 */
import type { FastifyRequest } from 'fastify';
import type { UserInfo } from '../endpoints/request/context.js';

export interface AuthResponse {
  user: UserInfo;
}

export interface Authenticator {
  /** A user, undefined for no opinion (no credentials of this kind); throws when credentials are bad. */
  authenticate(req: FastifyRequest): Promise<AuthResponse | undefined>;
}

/** Tries each authenticator in order; throws the collected errors only if none produced a user. */
export function unionAuthenticator(...authenticators: Authenticator[]): Authenticator {
  return {
    async authenticate(req) {
      const errors: unknown[] = [];
      for (const a of authenticators) {
        try {
          const res = await a.authenticate(req);
          if (res) return res;
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, errors.map((e) => (e instanceof Error ? e.message : String(e))).join(', '));
      return undefined;
    },
  };
}

export const ALL_AUTHENTICATED = 'system:authenticated';
const ALL_UNAUTHENTICATED = 'system:unauthenticated';

/**
 * Adds `system:authenticated` to every user an authenticator produces (`group.NewAuthenticatedGroupAdder`,
 * which wraps the delegating union upstream). RBAC grants discovery and /openapi to that group, and a
 * front proxy may name a user with no groups: the aggregator fetches our OpenAPI as `system:aggregator`
 * alone.
 */
export function authenticatedGroupAdder(authenticator: Authenticator): Authenticator {
  return {
    async authenticate(req) {
      const res = await authenticator.authenticate(req);
      if (!res || res.user.name === ANONYMOUS.name) return res;
      if (res.user.groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED)) return res;
      return { ...res, user: { ...res.user, groups: [...res.user.groups, ALL_AUTHENTICATED] } };
    },
  };
}

export const ANONYMOUS: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'], extra: {} };
