import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../apimachinery/types.js';
import { builtinDefinitionsPath, loadDefinitions } from '../../../../registry/definitions/load.js';
import { ownParams } from '../../../../registry/params.js';
import { type FlunderStore, openFlunderStore, strictWrite } from '../../../../registry/rest/testing/flunder-store.js';
import { wardleCodeStrategies } from '../../../../registry/wardle/index.js';
import { newAdmissionChain } from '../../../chain.js';
import { type ConfigurationSource, staticSource } from '../../../configuration.js';
import type { NamespaceSource } from '../../namespace-lifecycle.js';
import { mutatingAdmissionPolicy } from './mutating-admission-policy.js';
import type { MutatingAdmissionPolicy, MutatingAdmissionPolicyBinding, Mutation } from './types.js';
import { flunderAttributes } from '../../../testing/attributes.js';

/** Sources whose contents each test sets. */
const policies: MutatingAdmissionPolicy[] = [];
const bindings: MutatingAdmissionPolicyBinding[] = [];
const live = <T>(items: T[]): ConfigurationSource<T> => ({ waitForSync: async () => true, items: () => items });
const namespaces: NamespaceSource = {
  waitForSync: async () => true,
  cached: (name) => ({ metadata: { name, labels: { env: name === 'prod' ? 'prod' : 'dev' } }, status: { phase: 'Active' } }),
  live: async (name) => ({ metadata: { name } }),
  recentlyDeleted: () => false,
};

const flunder = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'wardle.example.com/v1alpha1',
  kind: 'Flunder',
  // The decoder drops an empty labels map.
  metadata: Object.keys(labels).length > 0 ? { name, labels } : { name },
  spec: { reference: 'r' },
});

const apply = (expression: string): Mutation => ({ patchType: 'ApplyConfiguration', applyConfiguration: { expression } });
const jsonPatch = (expression: string): Mutation => ({ patchType: 'JSONPatch', jsonPatch: { expression } });
const policy = (name: string, spec: Partial<MutatingAdmissionPolicy['spec']>): MutatingAdmissionPolicy => ({
  metadata: { name },
  spec: {
    matchConstraints: {
      resourceRules: [{ apiGroups: ['wardle.example.com'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['flunders'] }],
    },
    ...spec,
  },
});
const binding = (name: string, spec: Partial<MutatingAdmissionPolicyBinding['spec']> = {}): MutatingAdmissionPolicyBinding => ({
  metadata: { name: `${name}-binding` },
  spec: { policyName: name, ...spec },
});
const use = (p: MutatingAdmissionPolicy[], b: MutatingAdmissionPolicyBinding[]) => {
  policies.splice(0, policies.length, ...p);
  bindings.splice(0, bindings.length, ...b);
};
const labelled = (name: string, key: string, value: string) =>
  policy(name, { mutations: [apply(`Object{metadata: Object.metadata{labels: {"${key}": "${value}"}}}`)] });

describe('MutatingAdmissionPolicy', () => {
  let fx: FlunderStore;

  beforeAll(async () => {
    const builtin = builtinDefinitionsPath();
    const defs = await loadDefinitions([builtin], new Map([[builtin, wardleCodeStrategies()]]));
    // The store's storage is opened first; the plugin reads params from it through a late-bound resolver.
    let params: ReturnType<typeof ownParams> | undefined;
    const plugin = mutatingAdmissionPolicy({
      policies: live(policies),
      bindings: live(bindings),
      namespaces,
      params: { forKind: (k) => params?.forKind(k) },
    });
    fx = await openFlunderStore({}, newAdmissionChain([plugin]));
    params = ownParams(defs, fx.storage);
  });
  afterAll(() => fx.close());

  const create = (name: string, labels: Record<string, string> = {}, namespace = 'ns') =>
    fx.store.create(fx.scope, namespace, flunder(name, labels), strictWrite());
  const stored = (name: string, namespace = 'ns') => fx.store.get(fx.scope, namespace, name);

  it('merges an ApplyConfiguration: a label added, a spec field set, the rest kept', async () => {
    use(
      [
        policy('apply', {
          mutations: [
            apply('Object{metadata: Object.metadata{labels: {"mutated": "yes"}}}'),
            apply('Object{spec: Object.spec{reference: object.metadata.name + "-ref"}}'),
          ],
        }),
      ],
      [binding('apply')],
    );
    await create('a1', { kept: 'k' });
    const obj = await stored('a1');
    expect(obj.metadata.labels).toEqual({ kept: 'k', mutated: 'yes' });
    expect(obj.spec).toEqual({ reference: 'a1-ref', referenceType: 'Flunder' });
  });

  it('applies a JSONPatch, escaping keys, and leaves the object alone when a test operation fails', async () => {
    use(
      [
        policy('patch', {
          mutations: [
            jsonPatch(`[
              JSONPatch{op: "add", path: "/metadata/labels/" + jsonpatch.escapeKey("example.com/patched"), value: "yes"},
              JSONPatch{op: "replace", path: "/spec/reference", value: "replaced"},
            ]`),
            jsonPatch('[JSONPatch{op: "test", path: "/spec/reference", value: "other"}, JSONPatch{op: "remove", path: "/spec"}]'),
          ],
        }),
      ],
      [binding('patch')],
    );
    await create('j1', { kept: 'k' });
    const obj = await stored('j1');
    expect(obj.metadata.labels).toEqual({ kept: 'k', 'example.com/patched': 'yes' });
    expect(obj.spec).toEqual({ reference: 'replaced', referenceType: 'Flunder' });
  });

  it('skips a policy whose matchConditions do not hold, and uses its variables', async () => {
    use(
      [
        policy('cond', {
          matchConditions: [{ name: 'opted-in', expression: "has(object.metadata.labels) && 'opt-in' in object.metadata.labels" }],
          variables: [{ name: 'greeting', expression: "'hello-' + object.metadata.name" }],
          mutations: [apply('Object{metadata: Object.metadata{labels: {"greeting": variables.greeting}}}')],
        }),
      ],
      [binding('cond')],
    );
    await create('c1');
    expect((await stored('c1')).metadata.labels).toBeUndefined();
    await create('c2', { 'opt-in': 'y' });
    expect((await stored('c2')).metadata.labels).toEqual({ 'opt-in': 'y', greeting: 'hello-c2' });
  });

  it('mutates once per param, in turn, with params read from our own storage', async () => {
    for (const name of ['f1', 'f2']) {
      await fx.storage.create(`/wardle.example.com/fischers/${name}`, {
        apiVersion: 'wardle.example.com/v1alpha1',
        kind: 'Fischer',
        metadata: { name, uid: name, labels: { team: 'a' } },
        disallowedFlunders: [`from-${name}`],
      } as KubeObject);
    }
    use(
      [
        policy('params', {
          paramKind: { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Fischer' },
          mutations: [
            apply('Object{metadata: Object.metadata{labels: {"seen-" + params.metadata.name: params.disallowedFlunders[0]}}}'),
            // Sees what the mutation before it did, for this param.
            apply('Object{metadata: Object.metadata{labels: {"count": string(size(object.metadata.labels))}}}'),
          ],
        }),
      ],
      [binding('params', { paramRef: { selector: { matchLabels: { team: 'a' } } } })],
    );
    await create('p1');
    expect((await stored('p1')).metadata.labels).toEqual({ 'seen-f1': 'from-f1', 'seen-f2': 'from-f2', count: '3' });
  });

  it('follows the failure policy on a runtime error, denying with upstream message and reason Invalid', async () => {
    const mutations = [apply('Object{spec: Object.spec{reference: object.spec.missing}}')];
    use([policy('strict', { mutations })], [binding('strict')]);
    const message =
      "policy 'strict' with binding 'strict-binding' denied request: expression 'Object{spec: Object.spec{reference: object.spec.missing}}' resulted in error: ";
    const err = await create('e1').catch((e) => e);
    expect(err.status).toMatchObject({
      code: 403,
      reason: 'Invalid',
      message: expect.stringContaining(message),
      details: { name: 'e1', group: 'wardle.example.com', kind: 'flunders', causes: [{ message: expect.stringContaining(message) }] },
    });
    await expect(stored('e1')).rejects.toMatchObject({ status: { code: 404 } });
    use([policy('lenient', { mutations, failurePolicy: 'Ignore' })], [binding('lenient')]);
    await create('e2');
    expect((await stored('e2')).spec).toEqual({ reference: 'r', referenceType: 'Flunder' });
  });

  it('reports a compile error and a type mismatch when the policy is invoked', async () => {
    use([policy('broken', { mutations: [apply('Object{spec: nothing}')] })], [binding('broken')]);
    await expect(create('b1')).rejects.toMatchObject({
      status: {
        code: 403,
        reason: 'Invalid',
        message: expect.stringMatching(
          /^policy 'broken' with binding 'broken-binding' denied request: compilation failed: ERROR: <input>:1:14: /,
        ),
      },
    });
    use([policy('mistyped', { mutations: [apply('Object{spec: Object.status{reference: "x"}}')] })], [binding('mistyped')]);
    await expect(create('b2')).rejects.toMatchObject({
      status: {
        message:
          'policy \'mistyped\' with binding \'mistyped-binding\' denied request: type mismatch: unexpected type name "Object.status", expected "Object.spec", which matches field name path from root Object type',
      },
    });
  });

  it('fails to configure a binding whose params are missing under Deny, with reason Forbidden', async () => {
    const p = policy('needs-params', {
      paramKind: { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Fischer' },
      mutations: [apply('Object{}')],
    });
    use([p], [binding('needs-params', { paramRef: { name: 'nope', parameterNotFoundAction: 'Deny' } })]);
    await expect(create('m1')).rejects.toMatchObject({
      status: {
        code: 403,
        reason: 'Forbidden',
        message:
          "policy 'needs-params' with binding 'needs-params-binding' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction",
      },
    });
  });

  it('mutates the object in the version it matched under Equivalent', async () => {
    const onlyBeta = {
      resourceRules: [
        { apiGroups: ['wardle.example.com'], apiVersions: ['v1beta1'], operations: ['CREATE' as const], resources: ['flunders'] },
      ],
    };
    const mutations = [apply('Object{spec: Object.spec{flunderReference: object.spec.flunderReference + "-beta"}}')];
    use([policy('beta', { matchConstraints: { ...onlyBeta, matchPolicy: 'Exact' }, mutations })], [binding('beta')]);
    await create('v1');
    expect((await stored('v1')).spec).toEqual({ reference: 'r', referenceType: 'Flunder' });
    use([policy('beta', { matchConstraints: onlyBeta, mutations })], [binding('beta')]);
    await create('v2');
    expect((await stored('v2')).spec).toEqual({ reference: 'r-beta', referenceType: 'Flunder' });
  });

  it('reinvokes an IfNeeded policy once when a later policy changed the object', async () => {
    const first = (reinvocationPolicy: 'Never' | 'IfNeeded') =>
      policy('first', {
        reinvocationPolicy,
        mutations: [
          apply(
            'Object{metadata: Object.metadata{labels: {"first": has(object.metadata.labels) && "second" in object.metadata.labels ? "after" : "before"}}}',
          ),
        ],
      });
    const second = labelled('second', 'second', 'yes');
    use([first('Never'), second], [binding('first'), binding('second')]);
    await create('r1');
    expect((await stored('r1')).metadata.labels).toEqual({ first: 'before', second: 'yes' });
    use([first('IfNeeded'), second], [binding('first'), binding('second')]);
    await create('r2');
    expect((await stored('r2')).metadata.labels).toEqual({ first: 'after', second: 'yes' });
  });

  it('refuses while its configuration has not been listed', async () => {
    const never: ConfigurationSource<never> = { waitForSync: async () => false, items: () => [] };
    const plugin = mutatingAdmissionPolicy({ policies: never, bindings: staticSource([]) });
    expect(plugin.handles('DELETE')).toBe(false);
    await expect(plugin.admit!(flunderAttributes({ name: 'n' }))).rejects.toMatchObject({
      status: { code: 403, message: 'flunders.wardle.example.com "n" is forbidden: not yet ready to handle request' },
    });
  });
});
