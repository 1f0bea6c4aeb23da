/** Table tests after upstream's `predicates/rules/rules_test.go`, each part of a rule tested with the others `*`. */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../interfaces.js';
import { isExemptAdmissionConfigurationResource, namedRuleMatches, type RuleAttributes, ruleMatches } from './rules.js';
import type { RuleWithOperations } from './types.js';

const any: RuleWithOperations = { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'], scope: '*' };

function a(
  group: string,
  version: string,
  resource: string,
  subresource = '',
  operation: Operation = 'CREATE',
  namespace = 'ns',
): RuleAttributes {
  return { operation, namespace, subresource, resource: { group, version, resource } };
}

const table: { name: string; rule: RuleWithOperations; match: RuleAttributes[]; noMatch: RuleAttributes[] }[] = [
  { name: 'group wildcard', rule: { ...any, apiGroups: ['*'] }, match: [a('g', 'v', 'r')], noMatch: [] },
  {
    name: 'group exact',
    rule: { ...any, apiGroups: ['g1', 'g2'] },
    match: [a('g1', 'v', 'r'), a('g2', 'v2', 'r3')],
    noMatch: [a('g3', 'v', 'r'), a('', 'v', 'r')],
  },
  {
    name: 'version exact',
    rule: { ...any, apiVersions: ['v1', 'v2'] },
    match: [a('g1', 'v1', 'r'), a('g2', 'v2', 'r')],
    noMatch: [a('g1', 'v3', 'r')],
  },
  {
    name: 'operation wildcard',
    rule: { ...any, operations: ['*'] },
    match: [a('g', 'v', 'r', '', 'CREATE'), a('g', 'v', 'r', '', 'UPDATE'), a('g', 'v', 'r', '', 'DELETE')],
    noMatch: [],
  },
  {
    name: 'operation create',
    rule: { ...any, operations: ['CREATE'] },
    match: [a('g', 'v', 'r')],
    noMatch: [a('g', 'v', 'r', '', 'UPDATE'), a('g', 'v', 'r', '', 'DELETE')],
  },
  {
    name: 'operations update and delete',
    rule: { ...any, operations: ['UPDATE', 'DELETE'] },
    match: [a('g', 'v', 'r', '', 'UPDATE'), a('g', 'v', 'r', '', 'DELETE')],
    noMatch: [a('g', 'v', 'r', '', 'CREATE')],
  },
  {
    name: 'operation connect only',
    rule: { ...any, operations: ['CONNECT'] },
    match: [],
    noMatch: [a('g', 'v', 'r'), a('g', 'v', 'r', '', 'DELETE')],
  },
  { name: 'no operations', rule: { ...any, operations: [] }, match: [], noMatch: [a('g', 'v', 'r')] },
  {
    name: 'no subresources',
    rule: { ...any, resources: ['*'] },
    match: [a('g', 'v', 'r'), a('2', 'v', 'r2')],
    noMatch: [a('g', 'v', 'r', 'status'), a('2', 'v', 'r2', 'scale')],
  },
  {
    name: 'r & subresources',
    rule: { ...any, resources: ['r/*'] },
    match: [a('g', 'v', 'r'), a('g', 'v', 'r', 'status')],
    noMatch: [a('2', 'v', 'r2'), a('2', 'v', 'r2', 'scale')],
  },
  {
    name: 'r & subresources or r2',
    rule: { ...any, resources: ['r/*', 'r2'] },
    match: [a('g', 'v', 'r'), a('g', 'v', 'r', 'status'), a('2', 'v', 'r2')],
    noMatch: [a('2', 'v', 'r2', 'scale')],
  },
  {
    name: 'status or scale of anything',
    rule: { ...any, resources: ['*/status', '*/scale'] },
    match: [a('g', 'v', 'r', 'status'), a('2', 'v', 'r2', 'scale'), a('2', 'v', 'r3', 'scale')],
    noMatch: [a('g', 'v', 'r'), a('2', 'v', 'r2'), a('2', 'v', 'r4', 'exec')],
  },
  { name: 'everything', rule: { ...any, resources: ['*/*'] }, match: [a('g', 'v', 'r'), a('g', 'v', 'r', 'status')], noMatch: [] },
  {
    name: 'one subresource',
    rule: { ...any, resources: ['r/status'] },
    match: [a('g', 'v', 'r', 'status')],
    noMatch: [a('g', 'v', 'r'), a('g', 'v', 'r', 'scale'), a('g', 'v', 'r2', 'status')],
  },
  {
    name: 'scope unset is any',
    rule: { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] },
    match: [a('g', 'v', 'r'), a('g', 'v', 'r', '', 'CREATE', '')],
    noMatch: [],
  },
  {
    name: 'scope Cluster',
    rule: { ...any, scope: 'Cluster' },
    match: [
      a('g', 'v', 'r', '', 'CREATE', ''),
      a('', 'v1', 'namespaces', '', 'CREATE', 'ns'),
      a('', 'v1', 'namespaces', 'finalize', 'UPDATE', 'ns'),
    ],
    noMatch: [a('g', 'v', 'r'), a('g', 'v', 'r', 'status'), a('g', 'v1', 'namespaces', '', 'CREATE', 'ns')],
  },
  {
    name: 'scope Namespaced',
    rule: { ...any, scope: 'Namespaced' },
    match: [a('g', 'v', 'r'), a('g', 'v', 'r', 'status'), a('g', 'v1', 'namespaces', '', 'CREATE', 'ns')],
    noMatch: [
      a('g', 'v', 'r', '', 'CREATE', ''),
      a('', 'v1', 'namespaces', '', 'CREATE', 'ns'),
      a('', 'v1', 'namespaces', 'status', 'UPDATE', 'ns'),
    ],
  },
  {
    name: 'unknown scope matches nothing',
    rule: { ...any, scope: 'Bogus' as never },
    match: [],
    noMatch: [a('g', 'v', 'r'), a('g', 'v', 'r', '', 'CREATE', '')],
  },
];

describe('ruleMatches', () => {
  for (const tt of table) {
    it(tt.name, () => {
      for (const m of tt.match) expect(ruleMatches(tt.rule, m), JSON.stringify(m)).toBe(true);
      for (const m of tt.noMatch) expect(ruleMatches(tt.rule, m), JSON.stringify(m)).toBe(false);
    });
  }

  it('judges the resource it is given instead of the request’s (another version)', () => {
    const rule = { ...any, apiVersions: ['v2'] };
    const attrs = a('g', 'v1', 'r');
    expect(ruleMatches(rule, attrs)).toBe(false);
    expect(ruleMatches(rule, attrs, { group: 'g', version: 'v2', resource: 'r' })).toBe(true);
  });
});

describe('namedRuleMatches', () => {
  const attrs = (name: string) => ({ ...a('g', 'v', 'r'), name });

  it('matches any name when resourceNames is empty, else only the names listed', () => {
    expect(namedRuleMatches({ ...any, resourceNames: [] }, attrs('x'))).toBe(true);
    expect(namedRuleMatches({ ...any, resourceNames: ['a', 'b'] }, attrs('b'))).toBe(true);
    expect(namedRuleMatches({ ...any, resourceNames: ['a', 'b'] }, attrs('c'))).toBe(false);
    // A create by generateName has no name yet.
    expect(namedRuleMatches({ ...any, resourceNames: ['a'] }, attrs(''))).toBe(false);
  });

  it('requires the rule itself to match', () => {
    expect(namedRuleMatches({ ...any, apiGroups: ['other'], resourceNames: ['x'] }, attrs('x'))).toBe(false);
  });
});

describe('isExemptAdmissionConfigurationResource', () => {
  it('exempts the admissionregistration kinds that configure admission, and nothing else', () => {
    const kind = (group: string, k: string) => ({ kind: { group, version: 'v1', kind: k } });
    expect(isExemptAdmissionConfigurationResource(kind('admissionregistration.k8s.io', 'MutatingWebhookConfiguration'))).toBe(true);
    expect(isExemptAdmissionConfigurationResource(kind('admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding'))).toBe(true);
    expect(isExemptAdmissionConfigurationResource(kind('admissionregistration.k8s.io', 'Other'))).toBe(false);
    expect(isExemptAdmissionConfigurationResource(kind('wardle.example.com', 'MutatingWebhookConfiguration'))).toBe(false);
  });
});
