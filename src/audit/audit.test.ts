import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../authorization/authorizer.js';
import { LogBackend } from './log-backend.js';
import { auditConfigFor, parsePolicy } from './policy.js';

const policy = parsePolicy(`apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: [system:kube-proxy]
  - level: RequestResponse
    resources: [{group: wardle.example.com, resources: ["*/status"]}]
  - level: Request
    userGroups: [dev]
    verbs: [create, update]
    namespaces: [team-a]
  - level: None
    nonResourceURLs: ["/healthz*"]
  - level: Metadata
    omitStages: [ResponseComplete]
`);

const attrs = (over: Partial<Attributes>): Attributes => ({
  user: { name: 'alice', groups: ['dev'], extra: {} },
  verb: 'get',
  isResourceRequest: true,
  path: '/apis/x',
  namespace: 'team-a',
  apiGroup: 'wardle.example.com',
  apiVersion: 'v1alpha1',
  resource: 'flunders',
  subresource: '',
  name: 'f',
  ...over,
});

describe('audit policy', () => {
  it.each([
    ['a user the first rule silences', attrs({ user: { name: 'system:kube-proxy', groups: [], extra: {} } }), 'None'],
    ['a status subresource through */status', attrs({ subresource: 'status', verb: 'update' }), 'RequestResponse'],
    ['a create by a dev in team-a', attrs({ verb: 'create' }), 'Request'],
    ['the same create in another namespace', attrs({ verb: 'create', namespace: 'team-b' }), 'Metadata'],
    ['a health path by prefix', attrs({ isResourceRequest: false, path: '/healthz/ping', resource: '' }), 'None'],
    ['anything else', attrs({ verb: 'list' }), 'Metadata'],
  ])('gives %s the first matching level', (_name, a, level) => {
    expect(auditConfigFor(policy, a).level).toBe(level);
  });

  it("joins the policy's and the rule's omitted stages", () => {
    expect(auditConfigFor(policy, attrs({ verb: 'list' })).omitStages.sort()).toEqual(['RequestReceived', 'ResponseComplete']);
  });

  it('refuses a policy that is not one, or an unknown level', () => {
    expect(() => parsePolicy('kind: Nope')).toThrow(/expected an audit.k8s.io\/v1 Policy/);
    expect(() => parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Loud}]')).toThrow(/Unsupported value: "Loud"/);
  });
});

describe('audit log backend', () => {
  it('writes JSON lines with mode 0600 and rotates by size, keeping maxbackup files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const path = join(dir, 'audit.log');
    const backend = new LogBackend({ path, maxSizeMB: 0.001, maxBackups: 2, maxAgeDays: 0 }, () => {});
    for (let i = 0; i < 40; i++) backend.write({ i, pad: 'x'.repeat(100) });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f !== 'audit.log')).toHaveLength(2);
    expect(
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).i)
        .at(-1),
    ).toBe(39);
    expect(backend.errors).toBe(0);
  });

  it('counts a failed write instead of failing silently', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const logged: string[] = [];
    const backend = new LogBackend({ path: join(dir, 'audit.log'), maxSizeMB: 0, maxBackups: 0, maxAgeDays: 0 }, (m) => logged.push(m));
    rmSync(dir, { recursive: true });
    mkdirSync(join(dir, 'audit.log'), { recursive: true });
    backend.write({ a: 1 });
    expect(backend.errors).toBe(1);
    expect(logged).toEqual(['audit event not written']);
  });
});
