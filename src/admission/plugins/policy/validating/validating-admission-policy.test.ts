import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../../apimachinery/types.js';
import { builtinDefinitionsPath, loadDefinitions } from '../../../../registry/definitions/load.js';
import { ownParams } from '../../../../registry/params.js';
import { type FlunderStore, openFlunderStore, strictWrite } from '../../../../registry/rest/testing/flunder-store.js';
import { resourceScope } from '../../../../registry/rest/scope.js';
import { wardleCodeStrategies } from '../../../../registry/wardle/index.js';
import { newAdmissionChain } from '../../../chain.js';
import { type ConfigurationSource, staticSource } from '../../../configuration.js';
import type { NamespaceSource } from '../../namespace-lifecycle.js';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from './types.js';
import { validatingAdmissionPolicy } from './validating-admission-policy.js';
import { flunderAttributes } from '../../../testing/attributes.js';

/** Sources whose contents each test sets. */
const policies: ValidatingAdmissionPolicy[] = [];
const bindings: ValidatingAdmissionPolicyBinding[] = [];
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
  metadata: { name, labels },
  spec: { reference: 'r' },
});

const policy = (name: string, spec: Partial<ValidatingAdmissionPolicy['spec']>): ValidatingAdmissionPolicy => ({
  metadata: { name },
  spec: {
    matchConstraints: {
      resourceRules: [{ apiGroups: ['wardle.example.com'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['flunders'] }],
    },
    ...spec,
  },
});
const binding = (name: string, spec: Partial<ValidatingAdmissionPolicyBinding['spec']> = {}): ValidatingAdmissionPolicyBinding => ({
  metadata: { name: `${name}-binding` },
  spec: { policyName: name, validationActions: ['Deny'], ...spec },
});
const use = (p: ValidatingAdmissionPolicy[], b: ValidatingAdmissionPolicyBinding[]) => {
  policies.splice(0, policies.length, ...p);
  bindings.splice(0, bindings.length, ...b);
};

describe('ValidatingAdmissionPolicy', () => {
  let fx: FlunderStore;
  let fischers: Awaited<ReturnType<typeof loadDefinitions>>[number];

  beforeAll(async () => {
    const builtin = builtinDefinitionsPath();
    const defs = await loadDefinitions([builtin], new Map([[builtin, wardleCodeStrategies()]]));
    fischers = defs.find((d) => d.names.kind === 'Fischer')!;
    // The store's storage is opened first; the plugin reads params from it through a late-bound resolver.
    let params: ReturnType<typeof ownParams> | undefined;
    const plugin = validatingAdmissionPolicy({
      policies: live(policies),
      bindings: live(bindings),
      namespaces,
      params: { forKind: (k) => params?.forKind(k) },
    });
    fx = await openFlunderStore({}, newAdmissionChain([plugin]));
    params = ownParams(defs, fx.storage);
  });
  afterAll(() => fx.close());

  const create = (
    name: string,
    labels: Record<string, string> = {},
    namespace = 'ns',
    extra: Partial<ReturnType<typeof strictWrite>> = {},
  ) => {
    const opts = { ...strictWrite(), auditAnnotations: {} as Record<string, string>, ...extra };
    return { opts, result: fx.store.create(fx.scope, namespace, flunder(name, labels), opts) };
  };

  it('refuses what a validation rejects: 422 Invalid by default, with upstream message and cause', async () => {
    use([policy('no-x', { validations: [{ expression: "!object.metadata.name.startsWith('x')" }] })], [binding('no-x')]);
    const err = await create('x1').result.catch((e) => e);
    const message = `ValidatingAdmissionPolicy 'no-x' with binding 'no-x-binding' denied request: failed expression: !object.metadata.name.startsWith('x')`;
    expect(err.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code: 422,
      reason: 'Invalid',
      message: `flunders.wardle.example.com "x1" is forbidden: ${message}`,
      details: { name: 'x1', group: 'wardle.example.com', kind: 'flunders', causes: [{ message }] },
    });
    await expect(fx.store.get(fx.scope, 'ns', 'x1')).rejects.toMatchObject({ status: { code: 404 } });
    await expect(create('y1').result).resolves.toMatchObject({ metadata: { name: 'y1' } });
  });

  it('gives the reason a validation names, its messageExpression, else its message', async () => {
    use(
      [
        policy('reasons', {
          validations: [
            {
              expression: "object.metadata.name != 'a1'",
              reason: 'Forbidden',
              messageExpression: "'name ' + object.metadata.name + ' is taken'",
              message: 'unused',
            },
            { expression: "object.metadata.name != 'a2'", reason: 'RequestEntityTooLarge', message: '  too big  ' },
            { expression: "object.metadata.name != 'a3'", messageExpression: '1 == 1', message: 'fallback' },
          ],
        }),
      ],
      [binding('reasons')],
    );
    await expect(create('a1').result).rejects.toMatchObject({
      status: { code: 403, reason: 'Forbidden', message: expect.stringMatching(/denied request: name a1 is taken$/) },
    });
    await expect(create('a2').result).rejects.toMatchObject({
      status: { code: 413, message: expect.stringMatching(/denied request: too big$/) },
    });
    await expect(create('a3').result).rejects.toMatchObject({
      status: { code: 422, message: expect.stringMatching(/denied request: fallback$/) },
    });
  });

  it('warns for Warn, records Audit in an annotation, and publishes audit annotations', async () => {
    use(
      [
        policy('soft', {
          validations: [{ expression: "object.metadata.name != 'w1'", message: 'w1 is discouraged' }],
          auditAnnotations: [
            { key: 'seen', valueExpression: "'flunder ' + object.metadata.name" },
            { key: 'empty', valueExpression: 'null' },
          ],
        }),
      ],
      [binding('soft', { validationActions: ['Warn', 'Audit'] })],
    );
    const { opts, result } = create('w1');
    await expect(result).resolves.toMatchObject({ metadata: { name: 'w1' } });
    expect(opts.warnings).toEqual([
      "Validation failed for ValidatingAdmissionPolicy 'soft' with binding 'soft-binding': w1 is discouraged",
    ]);
    expect(opts.auditAnnotations).toEqual({
      'soft/seen': 'flunder w1',
      'validation.policy.admission.k8s.io/validation_failure':
        '[{"message":"w1 is discouraged","policy":"soft","binding":"soft-binding","expressionIndex":0,"validationActions":["Warn","Audit"]}]',
    });
  });

  it('follows the failure policy on evaluation errors', async () => {
    const validations = [{ expression: 'object.spec.missing == 1' }];
    use([policy('strict', { validations })], [binding('strict')]);
    await expect(create('e1').result).rejects.toMatchObject({
      status: { code: 422, message: expect.stringMatching(/denied request: expression 'object.spec.missing == 1' resulted in error: /) },
    });
    use([policy('lenient', { validations, failurePolicy: 'Ignore' })], [binding('lenient')]);
    await expect(create('e2').result).resolves.toBeDefined();
  });

  it('evaluates only where matchConditions hold, with variables, and a binding narrows by namespace', async () => {
    use(
      [
        policy('cond', {
          matchConditions: [{ name: 'labelled', expression: "has(object.metadata.labels) && 'checked' in object.metadata.labels" }],
          variables: [
            { name: 'n', expression: 'object.metadata.name' },
            { name: 'bad', expression: "variables.n.endsWith('-bad')" },
          ],
          validations: [{ expression: '!variables.bad', messageExpression: "variables.n + ' ends badly'" }],
        }),
      ],
      [binding('cond', { matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } } })],
    );
    await expect(create('c-bad').result).resolves.toBeDefined();
    await expect(create('c2-bad', { checked: 'y' }).result).resolves.toBeDefined();
    await expect(create('c3-bad', { checked: 'y' }, 'prod').result).rejects.toMatchObject({
      status: { message: expect.stringMatching(/c3-bad ends badly$/) },
    });
  });

  it('matches other served versions under Equivalent, showing the object in the matched version', async () => {
    const onlyBeta = {
      resourceRules: [
        { apiGroups: ['wardle.example.com'], apiVersions: ['v1beta1'], operations: ['CREATE' as const], resources: ['flunders'] },
      ],
    };
    const validations = [
      {
        expression:
          "request.kind.version != 'v1beta1' || object.apiVersion != 'wardle.example.com/v1beta1' || request.requestKind.version != 'v1alpha1'",
      },
    ];
    use([policy('beta', { matchConstraints: { ...onlyBeta, matchPolicy: 'Exact' }, validations })], [binding('beta')]);
    await expect(create('v1').result).resolves.toBeDefined();
    use([policy('beta', { matchConstraints: onlyBeta, validations })], [binding('beta')]);
    await expect(create('v2').result).rejects.toMatchObject({ status: { code: 422 } });
  });

  it('ships the sample-apiserver BanFlunder rule with Fischers as params', async () => {
    const docs = parseAllDocuments(readFileSync(new URL('../../../../../deploy/policies/ban-flunder.yaml', import.meta.url), 'utf8')).map(
      (d) => d.toJS(),
    );
    use([docs[0]], [docs[1]]);
    await expect(create('banned').result).resolves.toBeDefined();
    const fischerScope = resourceScope(fischers, fischers.versions[0]!);
    await fx.storage.create(`/wardle.example.com/fischers/f1`, {
      apiVersion: 'wardle.example.com/v1alpha1',
      kind: 'Fischer',
      metadata: { name: 'f1', uid: 'u1' },
      disallowedFlunders: ['banned', 'worse'],
    } as KubeObject);
    await fx.storage.create(`/wardle.example.com/fischers/f2`, {
      apiVersion: 'wardle.example.com/v1alpha1',
      kind: 'Fischer',
      metadata: { name: 'f2', uid: 'u2' },
    } as KubeObject);
    expect(fischerScope.gr.resource).toBe('fischers');
    await expect(create('worse').result).rejects.toMatchObject({
      status: {
        code: 403,
        reason: 'Forbidden',
        message: `flunders.wardle.example.com "worse" is forbidden: ValidatingAdmissionPolicy 'ban-flunder' with binding 'ban-flunder' denied request: this name may not be used, please change the resource name`,
      },
    });
    await expect(create('fine').result).resolves.toBeDefined();
  });

  it('fails to configure a binding whose params are missing under Deny, and a paramKind it does not know', async () => {
    const p = policy('needs-params', {
      paramKind: { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Fischer' },
      validations: [{ expression: 'params != null' }],
    });
    use([p], [binding('needs-params', { paramRef: { name: 'nope', parameterNotFoundAction: 'Deny' } })]);
    await expect(create('p1').result).rejects.toMatchObject({
      status: {
        code: 422,
        message: expect.stringMatching(
          /binding 'needs-params-binding' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction$/,
        ),
      },
    });
    use([p], [binding('needs-params', { paramRef: { name: 'nope', parameterNotFoundAction: 'Allow' } })]);
    await expect(create('p2').result).resolves.toBeDefined();
    use(
      [{ ...p, spec: { ...p.spec, paramKind: { apiVersion: 'v1', kind: 'ConfigMap' } } }],
      [binding('needs-params', { paramRef: { name: 'cm' } })],
    );
    await expect(create('p3').result).rejects.toMatchObject({
      status: {
        message: expect.stringMatching(
          /failed to configure binding: paramKind kind `&ParamKind\{APIVersion:v1,Kind:ConfigMap,\}` not known$/,
        ),
      },
    });
  });

  it('refuses while its configuration has not been listed', async () => {
    const never: ConfigurationSource<never> = { waitForSync: async () => false, items: () => [] };
    const plugin = validatingAdmissionPolicy({ policies: never, bindings: staticSource([]) });
    await expect(plugin.validate!(flunderAttributes({ name: 'n' }))).rejects.toMatchObject({
      status: { code: 403, message: 'flunders.wardle.example.com "n" is forbidden: not yet ready to handle request' },
    });
  });
});
