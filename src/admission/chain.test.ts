import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusError } from '../apimachinery/errors.js';
import type { KubeObject } from '../apimachinery/types.js';
import { type FlunderStore, openFlunderStore, strictWrite } from '../registry/rest/testing/flunder-store.js';
import { newAdmissionChain } from './chain.js';
import type { Attributes, Plugin } from './interfaces.js';

const forbidden = (message: string): StatusError => new StatusError({ code: 403, reason: 'Forbidden', message });

describe('admission in the REST store', () => {
  let fx: FlunderStore;
  const seen: { stage: string; attrs: Attributes; object?: KubeObject }[] = [];
  const record: Plugin = {
    name: 'Record',
    handles: () => true,
    async admit(attrs) {
      seen.push({ stage: 'admit', attrs, object: structuredClone(attrs.object) });
      if (attrs.object) attrs.object.metadata.labels = { ...attrs.object.metadata.labels, admitted: 'true' };
    },
    async validate(attrs) {
      seen.push({ stage: 'validate', attrs, object: structuredClone(attrs.object) });
    },
  };
  const banned: Plugin = {
    name: 'BanFlunder',
    handles: (op) => op === 'CREATE' || op === 'DELETE',
    async validate(attrs) {
      const name = attrs.object?.metadata.name ?? attrs.oldObject?.metadata.name;
      if (name?.startsWith('banned')) throw forbidden(`flunders.wardle.example.com "${name}" is forbidden: this name may not be used`);
    },
  };
  const flunder = (name: string, spec: Record<string, unknown> = { reference: 'r' }) => ({
    apiVersion: 'wardle.example.com/v1alpha1',
    kind: 'Flunder',
    metadata: { name },
    spec,
  });
  const user = { name: 'alice', groups: ['system:authenticated'], extra: {} };

  beforeAll(async () => {
    fx = await openFlunderStore({}, newAdmissionChain([record, banned]));
  });
  afterAll(() => fx.close());

  it('runs decode and defaulting, then mutating admission, then prepare and validate, then validating admission', async () => {
    seen.length = 0;
    const created = await fx.store.create(fx.scope, 'ns', flunder('a'), { ...strictWrite(), user });
    const [admit, validate] = seen;
    // Mutating admission sees the decoded, defaulted object, before the strategy gives it a uid.
    expect(admit?.object?.spec).toEqual({ reference: 'r', referenceType: 'Flunder' });
    expect(admit?.object?.metadata.uid).toBeUndefined();
    // Validating admission sees the object as it will be stored, mutation included.
    expect(validate?.object?.metadata.uid).toBe(created.metadata.uid);
    expect(validate?.object?.metadata.labels).toEqual({ admitted: 'true' });
    expect(admit?.attrs).toMatchObject({
      operation: 'CREATE',
      namespace: 'ns',
      subresource: '',
      dryRun: false,
      userInfo: user,
      kind: { group: 'wardle.example.com', version: 'v1alpha1', kind: 'Flunder' },
      resource: { group: 'wardle.example.com', version: 'v1alpha1', resource: 'flunders' },
    });
    expect(created.metadata.labels).toEqual({ admitted: 'true' });
  });

  it('offers updates with the old object, and deletes to validating admission with the object as stored', async () => {
    seen.length = 0;
    const current = await fx.store.get(fx.scope, 'ns', 'a');
    await fx.store.update(fx.scope, 'ns', 'a', { ...current, spec: { reference: 'changed' } }, '', strictWrite());
    expect(seen.map((s) => `${s.stage} ${s.attrs.operation}`)).toEqual(['admit UPDATE', 'validate UPDATE']);
    expect(seen[0]?.attrs.oldObject?.spec).toEqual({ reference: 'r', referenceType: 'Flunder' });
    seen.length = 0;
    await fx.store.delete(fx.scope, 'ns', 'a', {});
    expect(seen.map((s) => `${s.stage} ${s.attrs.operation}`)).toEqual(['validate DELETE']);
    expect(seen[0]?.attrs.oldObject?.metadata.name).toBe('a');
  });

  it('stores nothing a validating plugin refuses, and deletes nothing it refuses', async () => {
    await expect(fx.store.create(fx.scope, 'ns', flunder('banned-one'), strictWrite())).rejects.toMatchObject({ status: { code: 403 } });
    await expect(fx.store.get(fx.scope, 'ns', 'banned-one')).rejects.toMatchObject({ status: { code: 404 } });
    // Written without admission, then refused on delete.
    await fx.storage.create('/wardle.example.com/flunders/ns/banned-two', {
      apiVersion: 'wardle.example.com/v1alpha1',
      kind: 'Flunder',
      metadata: { name: 'banned-two', namespace: 'ns', uid: 'u' },
      spec: {},
    });
    await expect(fx.store.delete(fx.scope, 'ns', 'banned-two', {})).rejects.toMatchObject({ status: { code: 403 } });
    expect((await fx.store.get(fx.scope, 'ns', 'banned-two')).metadata.name).toBe('banned-two');
  });

  it('tells plugins about dry runs', async () => {
    seen.length = 0;
    await fx.store.create(fx.scope, 'ns', flunder('dry'), { ...strictWrite(), dryRun: true });
    expect(seen.every((s) => s.attrs.dryRun)).toBe(true);
  });
});
