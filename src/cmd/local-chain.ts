/**
 * Local mode's security: client certificates of the local CA (CN the user, O the groups), anonymous
 * otherwise; authenticated users may do everything, anonymous ones only reach the health endpoints.
 */
import { newDelegatingAuthenticator } from '../authentication/delegating.js';
import { parseBundle } from '../authentication/x509.js';
import { allowAuthenticated } from '../authorization/always-allow.js';
import { newDelegatingAuthorizer } from '../authorization/delegating.js';
import type { ChainConfig } from '../server/chain.js';
import { DEFAULT_ALWAYS_ALLOW_PATHS } from './options/authorization.js';

export function localChainConfig(caPem: string): Pick<ChainConfig, 'authentication' | 'authorization'> {
  const ca = parseBundle(caPem);
  return {
    authentication: newDelegatingAuthenticator({ anonymous: true, clientCA: () => ca }),
    authorization: {
      authorizer: newDelegatingAuthorizer({
        alwaysAllowPaths: DEFAULT_ALWAYS_ALLOW_PATHS,
        decider: { name: 'local', authorizer: allowAuthenticated() },
      }),
    },
  };
}
