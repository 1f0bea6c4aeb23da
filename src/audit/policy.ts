/**
 * `audit.k8s.io/v1` Policy (`pkg/audit/policy/checker.go`): the first rule that matches a request decides its
 * level (None, Metadata, Request, RequestResponse) and which stages are left out; no rule matching means None.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { Attributes } from '../authorization/authorizer.js';

export type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type Stage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

const LEVELS: Level[] = ['None', 'Metadata', 'Request', 'RequestResponse'];
const STAGES: Stage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

export interface PolicyRule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: Stage[];
}

export interface Policy {
  rules: PolicyRule[];
  omitStages: Stage[];
}

export interface RequestAuditConfig {
  level: Level;
  omitStages: Stage[];
}

export const atLeast = (level: Level, than: Level): boolean => LEVELS.indexOf(level) >= LEVELS.indexOf(than);

function stages(v: unknown, where: string): Stage[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((s) => !STAGES.includes(s as Stage)))
    throw new Error(`${where}: omitStages must be a list of ${STAGES.join(', ')}`);
  return v as Stage[];
}

export function parsePolicy(text: string, source = 'audit policy'): Policy {
  const doc = parse(text) as { apiVersion?: string; kind?: string; rules?: unknown[]; omitStages?: unknown } | null;
  if (doc?.kind !== 'Policy' || !['audit.k8s.io/v1', 'audit.k8s.io/v1beta1'].includes(doc.apiVersion ?? '')) {
    throw new Error(`${source}: expected an audit.k8s.io/v1 Policy`);
  }
  const rules = (doc.rules ?? []).map((r, i) => {
    const rule = r as PolicyRule;
    if (!LEVELS.includes(rule.level)) throw new Error(`${source}: rules[${i}].level: Unsupported value: "${String(rule.level)}"`);
    return { ...rule, omitStages: stages(rule.omitStages, `${source}: rules[${i}]`) };
  });
  if (rules.length === 0) throw new Error(`${source}: rules: Required value: at least one rule`);
  return { rules, omitStages: stages(doc.omitStages, source) };
}

export async function loadPolicy(path: string): Promise<Policy> {
  return parsePolicy(await readFile(path, 'utf8'), path);
}

function matchesPath(patterns: string[], path: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : p === path));
}

function ruleMatches(r: PolicyRule, a: Attributes): boolean {
  if (r.users?.length && !r.users.includes(a.user.name)) return false;
  if (r.userGroups?.length && !a.user.groups.some((g) => r.userGroups?.includes(g))) return false;
  if (r.verbs?.length && !r.verbs.includes(a.verb)) return false;
  if (r.namespaces?.length || r.resources?.length) {
    if (!a.isResourceRequest) return false;
    if (r.namespaces?.length && !r.namespaces.includes(a.namespace)) return false;
    if (r.resources?.length && !r.resources.some((g) => groupResourceMatches(g, a))) return false;
  }
  if (r.nonResourceURLs?.length && (a.isResourceRequest || !matchesPath(r.nonResourceURLs, a.path))) return false;
  return true;
}

function groupResourceMatches(g: GroupResources, a: Attributes): boolean {
  if ((g.group ?? '') !== a.apiGroup) return false;
  if (g.resources?.length) {
    const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const ok = g.resources.some(
      (r) => r === full || (a.subresource && (r === `*/${a.subresource}` || r === `${a.resource}/*`)) || r === '*',
    );
    if (!ok) return false;
  }
  if (g.resourceNames?.length && !g.resourceNames.includes(a.name)) return false;
  return true;
}

export function auditConfigFor(policy: Policy, a: Attributes): RequestAuditConfig {
  const rule = policy.rules.find((r) => ruleMatches(r, a));
  if (!rule) return { level: 'None', omitStages: [] };
  return { level: rule.level, omitStages: [...new Set([...policy.omitStages, ...(rule.omitStages ?? [])])] };
}
