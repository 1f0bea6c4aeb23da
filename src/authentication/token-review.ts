/**
 * Bearer tokens, checked by the kube-apiserver with a TokenReview (`plugin/pkg/authenticator/token/webhook`),
 * answers cached for `--authentication-token-webhook-cache-ttl` (10s) so a busy client costs one review per
 * TTL, not one per request. The cache key is a hash of the token, never the token itself.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { UserInfo } from '../endpoints/request/context.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Authenticator } from './authenticator.js';

export interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  error?: string;
}

/** Sends one TokenReview and returns its status. */
export type TokenReviewer = (token: string) => Promise<TokenReviewStatus>;

export function tokenReviewAuthenticator(review: TokenReviewer, ttlSeconds: number, metrics?: Metrics): Authenticator {
  const cache = new LRUCache<string, { user?: UserInfo }>({ max: 8192, ttl: Math.max(1, ttlSeconds * 1000) });
  return {
    async authenticate(req) {
      const header = req.headers.authorization;
      if (!header) return undefined;
      const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
      if (!m?.[1]) return undefined;
      const key = createHash('sha256').update(m[1]).digest('hex');
      let entry = cache.get(key);
      metrics?.tokenCache.inc([entry ? 'hit' : 'miss']);
      if (!entry) {
        const token = m[1];
        const status = metrics
          ? await metrics.timeReview(metrics.authnRequests, metrics.authnDuration, () => review(token))
          : await review(token);
        const u = status.user;
        entry =
          status.authenticated && u?.username
            ? { user: { name: u.username, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups ?? [], extra: u.extra ?? {} } }
            : {};
        cache.set(key, entry);
      }
      if (!entry.user) throw new Error('token review: token not authenticated');
      return { user: entry.user };
    },
  };
}
