/**
 * The authorizers that need no review (`authorizerfactory`): members of `system:masters`, and the
 * non-resource paths of `--authorization-always-allow-paths` (exact, or a prefix when ending in `*`), which
 * kubelet probes reach without credentials.
 */
import type { Authorizer } from './authorizer.js';

export function alwaysAllowGroups(groups: string[] = ['system:masters']): Authorizer {
  return {
    async authorize(attrs) {
      return attrs.user.groups.some((g) => groups.includes(g)) ? { decision: 'Allow', reason: '' } : { decision: 'NoOpinion', reason: '' };
    },
  };
}

export function alwaysAllowPaths(paths: string[]): Authorizer {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of paths) {
    const bare = p.replace(/^\//, '');
    if (bare.endsWith('*')) prefixes.push(bare.slice(0, -1));
    else exact.add(bare);
  }
  return {
    async authorize(attrs) {
      if (attrs.isResourceRequest) return { decision: 'NoOpinion', reason: '' };
      const path = attrs.path.replace(/^\//, '');
      const allowed = exact.has(path) || prefixes.some((p) => path.startsWith(p));
      return allowed ? { decision: 'Allow', reason: '' } : { decision: 'NoOpinion', reason: '' };
    },
  };
}

/** Local mode: every authenticated user may do everything; anonymous users may not. */
export function allowAuthenticated(): Authorizer {
  return {
    async authorize(attrs) {
      return attrs.user.groups.includes('system:unauthenticated') || attrs.user.name === 'system:anonymous'
        ? { decision: 'NoOpinion', reason: '' }
        : { decision: 'Allow', reason: '' };
    },
  };
}
