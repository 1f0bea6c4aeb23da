/**
 * Local mode's security: client certificates of the local CA (CN the user, O the groups), anonymous
 * otherwise; authenticated users may do everything, anonymous ones only reach the health endpoints.
 */
import { authenticatedGroupAdder, unionAuthenticator } from '../authentication/authenticator.js';
import { parseBundle, x509Authenticator } from '../authentication/x509.js';
import { unionAuthorizer } from '../authorization/authorizer.js';
import { allowAuthenticated, alwaysAllowGroups, alwaysAllowPaths } from '../authorization/always-allow.js';
import type { ChainConfig } from '../server/chain.js';
import { DEFAULT_ALWAYS_ALLOW_PATHS, type Options } from './options.js';

export function localChainConfig(caPem: string, opts: Options): Omit<ChainConfig, 'metrics' | 'audit'> {
  const ca = parseBundle(caPem);
  return {
    authentication: { authenticator: authenticatedGroupAdder(unionAuthenticator(x509Authenticator(() => ca))), anonymous: true },
    maxInFlight: opts,
    authorization: {
      authorizer: unionAuthorizer(
        { name: 'kubernetes.io/always-allow-groups', authorizer: alwaysAllowGroups() },
        { name: 'kubernetes.io/always-allow-paths', authorizer: alwaysAllowPaths(opts.authorizationAlwaysAllowPaths ?? DEFAULT_ALWAYS_ALLOW_PATHS) },
        { name: 'local', authorizer: allowAuthenticated() },
      ),
    },
  };
}
