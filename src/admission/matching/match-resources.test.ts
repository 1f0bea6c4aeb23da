/** matchWebhook and matchResources, after upstream's namespace, object and policy matcher tests. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../apimachinery/types.js';
import type { Attributes } from '../interfaces.js';
import { flunderAttributes } from '../testing/attributes.js';
import { matchResources, matchWebhook } from './match-resources.js';
import type { RuleWithOperations } from './types.js';

const flunders: RuleWithOperations = {
  operations: ['CREATE', 'UPDATE'],
  apiGroups: ['wardle.example.com'],
  apiVersions: ['v1beta1'],
  resources: ['flunders'],
};

function obj(labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'wardle.example.com/v1beta1', kind: 'Flunder', metadata: { name: 'f', labels } };
}

function attrs(over: Partial<Attributes> = {}): Attributes {
  return flunderAttributes({ object: obj(), ...over }, 'v1beta1');
}

const prodNamespace = { metadata: { name: 'ns', labels: { env: 'prod' } } };
const inProd = { matchLabels: { env: 'prod' } };

describe('matchWebhook', () => {
  it('matches by rules in the request’s version', () => {
    expect(matchWebhook({ rules: [flunders] }, attrs(), prodNamespace)).toEqual({
      resource: { group: 'wardle.example.com', version: 'v1beta1', resource: 'flunders' },
      kind: { group: 'wardle.example.com', version: 'v1beta1', kind: 'Flunder' },
      equivalent: false,
    });
    expect(matchWebhook({ rules: [flunders] }, attrs({ operation: 'DELETE' }), prodNamespace)).toBeUndefined();
    expect(matchWebhook({ rules: [] }, attrs(), prodNamespace)).toBeUndefined();
    expect(matchWebhook({}, attrs(), prodNamespace)).toBeUndefined();
  });

  describe('namespaceSelector', () => {
    it('selects by the namespace’s labels', () => {
      expect(matchWebhook({ rules: [flunders], namespaceSelector: inProd }, attrs(), prodNamespace)).toBeDefined();
      expect(
        matchWebhook({ rules: [flunders], namespaceSelector: { matchLabels: { env: 'dev' } } }, attrs(), prodNamespace),
      ).toBeUndefined();
    });

    it('always selects cluster-scoped requests', () => {
      expect(
        matchWebhook({ rules: [flunders], namespaceSelector: { matchLabels: { env: 'dev' } } }, attrs({ namespace: '' }), undefined),
      ).toBeDefined();
    });

    it('judges a Namespace being created or updated by its new labels, any other request on one by the namespace as stored', () => {
      const ns = (operation: Attributes['operation'], subresource = '') =>
        attrs({
          operation,
          subresource,
          namespace: 'ns',
          kind: { group: '', version: 'v1', kind: 'Namespace' },
          resource: { group: '', version: 'v1', resource: 'namespaces' },
          object: obj({ env: 'new' }),
        });
      const rule: RuleWithOperations = {
        operations: ['*'],
        apiGroups: [''],
        apiVersions: ['v1'],
        resources: ['namespaces', 'namespaces/status'],
      };
      const stored = { metadata: { name: 'ns', labels: { env: 'old' } } };
      const selecting = (env: string) => ({ rules: [rule], namespaceSelector: { matchLabels: { env } } });
      expect(matchWebhook(selecting('new'), ns('CREATE'), stored)).toBeDefined();
      expect(matchWebhook(selecting('new'), ns('UPDATE'), stored)).toBeDefined();
      expect(matchWebhook(selecting('old'), ns('UPDATE'), stored)).toBeUndefined();
      expect(matchWebhook(selecting('old'), ns('DELETE'), stored)).toBeDefined();
      expect(matchWebhook(selecting('old'), ns('UPDATE', 'status'), stored)).toBeDefined();
    });

    it('reports a missing namespace as its NotFound, only when the rules select the request', () => {
      expect(() => matchWebhook({ rules: [flunders], namespaceSelector: inProd }, attrs(), undefined)).toThrow(
        expect.objectContaining({ status: expect.objectContaining({ code: 404, message: 'namespaces "ns" not found' }) }),
      );
      expect(matchWebhook({ rules: [flunders], namespaceSelector: inProd }, attrs({ operation: 'DELETE' }), undefined)).toBeUndefined();
      // An empty selector does not need the namespace.
      expect(matchWebhook({ rules: [flunders], namespaceSelector: {} }, attrs(), undefined)).toBeDefined();
    });

    it('reports an invalid selector as an internal error, only when the rules select the request', () => {
      const bad = { matchExpressions: [{ key: 'env', operator: 'In' as const, values: [] }] };
      expect(() => matchWebhook({ rules: [flunders], namespaceSelector: bad }, attrs(), prodNamespace)).toThrow(
        expect.objectContaining({
          status: expect.objectContaining({
            code: 500,
            message: "Internal error occurred: values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
          }),
        }),
      );
      expect(matchWebhook({ rules: [flunders], namespaceSelector: bad }, attrs({ operation: 'DELETE' }), prodNamespace)).toBeUndefined();
    });
  });

  describe('objectSelector', () => {
    const selecting = { rules: [{ ...flunders, operations: ['*' as const] }], objectSelector: { matchLabels: { app: 'x' } } };

    it('selects by the object’s labels or the old object’s', () => {
      expect(matchWebhook(selecting, attrs({ object: obj({ app: 'x' }) }), prodNamespace)).toBeDefined();
      expect(matchWebhook(selecting, attrs({ object: obj({ app: 'y' }) }), prodNamespace)).toBeUndefined();
      expect(
        matchWebhook(selecting, attrs({ operation: 'UPDATE', object: obj({ app: 'y' }), oldObject: obj({ app: 'x' }) }), prodNamespace),
      ).toBeDefined();
      expect(
        matchWebhook(selecting, attrs({ operation: 'DELETE', object: undefined, oldObject: obj({ app: 'x' }) }), prodNamespace),
      ).toBeDefined();
      expect(
        matchWebhook(selecting, attrs({ operation: 'DELETE', object: undefined, oldObject: undefined }), prodNamespace),
      ).toBeUndefined();
    });
  });

  describe('matchPolicy', () => {
    const versions = {
      versions: [
        { version: 'v1', kind: 'Flunder' },
        { version: 'v1beta1', kind: 'Flunder' },
      ],
      convert: (o: KubeObject) => o,
    };
    const v1Only: RuleWithOperations = { ...flunders, apiVersions: ['v1'] };

    it('Equivalent (the default) matches the same resource in another version, named as that version', () => {
      const matched = matchWebhook({ rules: [v1Only] }, attrs({ equivalents: versions }), prodNamespace);
      expect(matched).toEqual({
        resource: { group: 'wardle.example.com', version: 'v1', resource: 'flunders' },
        kind: { group: 'wardle.example.com', version: 'v1', kind: 'Flunder' },
        equivalent: true,
      });
      expect(matchWebhook({ rules: [v1Only], matchPolicy: 'Equivalent' }, attrs({ equivalents: versions }), prodNamespace)).toEqual(
        matched,
      );
    });

    it('Exact matches the request’s version only', () => {
      expect(matchWebhook({ rules: [v1Only], matchPolicy: 'Exact' }, attrs({ equivalents: versions }), prodNamespace)).toBeUndefined();
    });

    it('prefers the request’s own version when a rule matches it', () => {
      const both = { ...flunders, apiVersions: ['v1', 'v1beta1'] };
      expect(matchWebhook({ rules: [both] }, attrs({ equivalents: versions }), prodNamespace)?.equivalent).toBe(false);
    });

    it('keeps the kind of a subresource that has its own (Scale), so nothing needs converting', () => {
      const scale = attrs({
        operation: 'UPDATE',
        subresource: 'scale',
        kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
        equivalents: versions,
      });
      const matched = matchWebhook({ rules: [{ ...v1Only, operations: ['UPDATE'], resources: ['flunders/scale'] }] }, scale, prodNamespace);
      expect(matched).toEqual({
        resource: { group: 'wardle.example.com', version: 'v1', resource: 'flunders' },
        kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
        equivalent: false,
      });
    });

    it('matches nothing in another version for a resource served in one', () => {
      expect(matchWebhook({ rules: [v1Only] }, attrs(), prodNamespace)).toBeUndefined();
    });
  });
});

describe('matchResources', () => {
  it('matches every request when there are no resourceRules', () => {
    expect(matchResources({}, attrs({ operation: 'DELETE' }), prodNamespace)?.resource.resource).toBe('flunders');
  });

  it('matches by resourceRules, with resourceNames', () => {
    expect(matchResources({ resourceRules: [flunders] }, attrs(), prodNamespace)).toBeDefined();
    expect(matchResources({ resourceRules: [{ ...flunders, resourceNames: ['g'] }] }, attrs(), prodNamespace)).toBeUndefined();
    expect(matchResources({ resourceRules: [{ ...flunders, resourceNames: ['f'] }] }, attrs(), prodNamespace)).toBeDefined();
  });

  it('lets excludeResourceRules win over resourceRules', () => {
    const criteria = { resourceRules: [flunders], excludeResourceRules: [{ ...flunders, resourceNames: ['f'] }] };
    expect(matchResources(criteria, attrs(), prodNamespace)).toBeUndefined();
    expect(matchResources(criteria, attrs({ name: 'other' }), prodNamespace)).toBeDefined();
    expect(matchResources({ excludeResourceRules: [flunders] }, attrs(), prodNamespace)).toBeUndefined();
  });

  it('applies the selectors as webhooks do', () => {
    expect(matchResources({ namespaceSelector: { matchLabels: { env: 'dev' } } }, attrs(), prodNamespace)).toBeUndefined();
    expect(
      matchResources({ objectSelector: { matchLabels: { app: 'x' } } }, attrs({ object: obj({ app: 'x' }) }), prodNamespace),
    ).toBeDefined();
    expect(() => matchResources({ namespaceSelector: inProd }, attrs(), undefined)).toThrow('namespaces "ns" not found');
  });

  it('matches an equivalent version through excludeResourceRules and resourceRules alike', () => {
    const equivalents = { versions: [{ version: 'v1', kind: 'Flunder' }], convert: (o: KubeObject) => o };
    const v1 = { ...flunders, apiVersions: ['v1'] };
    expect(matchResources({ resourceRules: [v1] }, attrs({ equivalents }), prodNamespace)?.kind.version).toBe('v1');
    expect(
      matchResources({ resourceRules: [flunders], excludeResourceRules: [v1] }, attrs({ equivalents }), prodNamespace),
    ).toBeUndefined();
    expect(matchResources({ resourceRules: [v1], matchPolicy: 'Exact' }, attrs({ equivalents }), prodNamespace)).toBeUndefined();
  });
});
