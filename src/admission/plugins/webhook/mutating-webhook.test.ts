/** MutatingAdmissionWebhook against a real HTTPS webhook: patches, order, reinvocation and Equivalent matching. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../apimachinery/types.js';
import { staticSource } from '../../configuration.js';
import type { Attributes } from '../../interfaces.js';
import { flunderAttributes } from '../../testing/attributes.js';
import { mutatingWebhook } from './mutating-webhook.js';
import { jsonPatch, startWebhookServer, type WebhookServer } from './testing/webhook-server.js';
import type { MutatingWebhook, MutatingWebhookConfiguration } from './types.js';

const flunder = (spec: Record<string, unknown> = { reference: 'r' }, version = 'v1beta1'): KubeObject => ({
  apiVersion: `wardle.example.com/${version}`,
  kind: 'Flunder',
  metadata: { name: 'f', namespace: 'ns' },
  spec,
});

function attrs(over: Partial<Attributes> = {}): Attributes {
  return flunderAttributes({ object: flunder(), warnings: [], auditAnnotations: {}, ...over }, 'v1beta1');
}

describe('MutatingAdmissionWebhook', () => {
  let server: WebhookServer;
  let hookOn: (path: string, over?: Partial<MutatingWebhook>) => MutatingWebhook;
  const plugin = (...configs: MutatingWebhookConfiguration[]) =>
    mutatingWebhook({ configurations: staticSource(configs), namespaces: undefined });
  const config = (name: string, ...webhooks: MutatingWebhook[]): MutatingWebhookConfiguration => ({ metadata: { name }, webhooks });

  beforeAll(async () => {
    server = await startWebhookServer();
    hookOn = (path, over = {}) => ({
      name: `${path.slice(1)}.example.com`,
      clientConfig: { url: server.url(path), caBundle: server.caBundle },
      rules: [{ operations: ['*'], apiGroups: ['wardle.example.com'], apiVersions: ['*'], resources: ['flunders'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      ...over,
    });
  });
  afterAll(() => server.close());

  it('applies a JSON patch, normalizes the result, and records the mutation for audit', async () => {
    server.handle('/label', () => jsonPatch([{ op: 'add', path: '/metadata/labels', value: { patched: 'yes' } }]));
    const normalized: KubeObject[] = [];
    const a = attrs({
      normalize: (o) => {
        normalized.push(o);
        return { ...o, spec: { ...(o.spec as object), defaulted: true } };
      },
    });
    await plugin(config('c', hookOn('/label'))).admit!(a);
    expect(normalized).toEqual([{ ...flunder(), metadata: { name: 'f', namespace: 'ns', labels: { patched: 'yes' } } }]);
    expect(a.object).toEqual({
      ...flunder({ reference: 'r', defaulted: true }),
      metadata: { name: 'f', namespace: 'ns', labels: { patched: 'yes' } },
    });
    expect(a.auditAnnotations).toEqual({
      'mutation.webhook.admission.k8s.io/round_0_index_0': '{"configuration":"c","webhook":"label.example.com","mutated":true}',
      'patch.webhook.admission.k8s.io/round_0_index_0':
        '{"configuration":"c","webhook":"label.example.com","patch":[{"op":"add","path":"/metadata/labels","value":{"patched":"yes"}}],"patchType":"JSONPatch"}',
    });
  });

  it('calls configurations in the order given (by name) and webhooks in theirs, each seeing the previous patches', async () => {
    const step = (n: string) => (req: any) => jsonPatch([{ op: 'add', path: '/spec/steps', value: [...(req.object.spec.steps ?? []), n] }]);
    server.handle('/a', step('a'));
    server.handle('/b', step('b'));
    server.handle('/c', step('c'));
    const a = attrs();
    await plugin(config('1', hookOn('/a'), hookOn('/b')), config('2', hookOn('/c'))).admit!(a);
    expect((a.object!.spec as any).steps).toEqual(['a', 'b', 'c']);
  });

  it('reinvokes an IfNeeded webhook once when a later one changed the object, and a Never one not at all', async () => {
    server.handle('/observe', () => ({ allowed: true }));
    server.handle('/change', (req) =>
      jsonPatch([{ op: 'replace', path: '/spec/reference', value: `${(req.object as any).spec.reference}+` }]),
    );
    const a = attrs();
    await plugin(
      config(
        'c',
        hookOn('/observe', { reinvocationPolicy: 'IfNeeded' }),
        hookOn('/observe', { name: 'never.example.com' }),
        hookOn('/change'),
      ),
    ).admit!(a);
    const seen = server.received('/observe').map((r) => (r.object as any).spec.reference);
    // IfNeeded in both rounds (second time seeing the change), Never in the first only; the changing webhook
    // itself is not IfNeeded, so it runs once.
    expect(seen).toEqual(['r', 'r', 'r+']);
    expect((a.object!.spec as any).reference).toBe('r+');
    expect(server.received('/change')).toHaveLength(1);
    expect(a.auditAnnotations?.['mutation.webhook.admission.k8s.io/round_1_index_0']).toBe(
      '{"configuration":"c","webhook":"observe.example.com","mutated":false}',
    );
  });

  it('does not reinvoke when nothing changed the object', async () => {
    server.handle('/same', () => jsonPatch([{ op: 'replace', path: '/spec/reference', value: 'r' }]));
    server.handle('/watch', () => ({ allowed: true }));
    await plugin(config('c', hookOn('/watch', { reinvocationPolicy: 'IfNeeded' }), hookOn('/same'))).admit!(attrs());
    expect(server.received('/watch')).toHaveLength(1);
  });

  it('sends the object converted to the version the webhook matched (Equivalent), and converts the patched one back', async () => {
    server.handle('/v1', () => jsonPatch([{ op: 'add', path: '/spec/v1Field', value: 'set' }]));
    const convert = (o: KubeObject, version: string): KubeObject => ({
      ...structuredClone(o),
      apiVersion: `wardle.example.com/${version}`,
    });
    const a = attrs({
      equivalents: {
        versions: [
          { version: 'v1beta1', kind: 'Flunder' },
          { version: 'v1', kind: 'Flunder' },
        ],
        convert,
      },
    });
    const v1Only = { operations: ['CREATE' as const], apiGroups: ['wardle.example.com'], apiVersions: ['v1'], resources: ['flunders'] };
    await plugin(config('c', hookOn('/v1', { rules: [v1Only] }))).admit!(a);
    const [request] = server.received('/v1');
    expect(request).toMatchObject({
      kind: { group: 'wardle.example.com', version: 'v1', kind: 'Flunder' },
      resource: { group: 'wardle.example.com', version: 'v1', resource: 'flunders' },
      requestKind: { group: 'wardle.example.com', version: 'v1beta1', kind: 'Flunder' },
      requestResource: { group: 'wardle.example.com', version: 'v1beta1', resource: 'flunders' },
      object: { apiVersion: 'wardle.example.com/v1' },
    });
    expect(a.object).toEqual(flunder({ reference: 'r', v1Field: 'set' }, 'v1beta1'));
    // Exact: not called at all.
    await plugin(config('c', hookOn('/v1', { rules: [v1Only], matchPolicy: 'Exact' }))).admit!(attrs({ equivalents: a.equivalents }));
    expect(server.received('/v1')).toHaveLength(1);
  });

  describe('patches that cannot be used', () => {
    it('refuses an undecodable patch as a failed call, which Ignore lets through', async () => {
      server.handle('/not-a-list', () => ({
        allowed: true,
        patchType: 'JSONPatch',
        patch: Buffer.from('{"op":"add"}').toString('base64'),
      }));
      await expect(plugin(config('c', hookOn('/not-a-list'))).admit!(attrs())).rejects.toMatchObject({
        status: {
          code: 500,
          message:
            'Internal error occurred: failed calling webhook "not-a-list.example.com": received undecodable patch in webhook response: json: cannot unmarshal object into Go value of type jsonpatch.Patch',
        },
      });
      const a = attrs();
      await plugin(config('c', hookOn('/not-a-list', { failurePolicy: 'Ignore' }))).admit!(a);
      expect(a.object).toEqual(flunder());
      expect(a.auditAnnotations?.['failed-open.mutation.webhook.admission.k8s.io/round_0_index_0']).toBe('not-a-list.example.com');
    });

    it('refuses a patch that does not apply with 500, whatever the failure policy', async () => {
      server.handle('/missing', () => jsonPatch([{ op: 'replace', path: '/spec/nothing/here', value: 1 }]));
      await expect(plugin(config('c', hookOn('/missing', { failurePolicy: 'Ignore' }))).admit!(attrs())).rejects.toMatchObject({
        status: { code: 500, reason: 'InternalError' },
      });
    });

    it('refuses a patch on a delete, which has no object to patch', async () => {
      server.handle('/on-delete', () => jsonPatch([{ op: 'add', path: '/metadata/labels', value: {} }]));
      await expect(
        plugin(config('c', hookOn('/on-delete'))).admit!(attrs({ operation: 'DELETE', object: undefined, oldObject: flunder() })),
      ).rejects.toMatchObject({
        status: {
          code: 500,
          message:
            'Internal error occurred: admission webhook "on-delete.example.com" attempted to modify the object, which is not supported for this operation',
        },
      });
    });

    it('refuses a patch without a patchType as an invalid answer', async () => {
      server.handle('/no-type', () => ({ allowed: true, patch: Buffer.from('[]').toString('base64') }));
      await expect(plugin(config('c', hookOn('/no-type'))).admit!(attrs())).rejects.toMatchObject({
        status: {
          message:
            'Internal error occurred: failed calling webhook "no-type.example.com": received invalid webhook response: webhook returned response.patch but not response.patchType',
        },
      });
    });

    it('refuses a patch that is not base64 as a failed call', async () => {
      server.handle('/not-base64', () => ({ allowed: true, patchType: 'JSONPatch', patch: 'not base64!' }));
      await expect(plugin(config('c', hookOn('/not-base64'))).admit!(attrs())).rejects.toMatchObject({
        status: {
          message: expect.stringContaining(
            'failed calling webhook "not-base64.example.com": failed to call webhook: illegal base64 data at input byte 3',
          ),
        },
      });
    });
  });

  it('refuses the request on a denial, with the webhook’s message', async () => {
    server.handle('/deny', () => ({ allowed: false, status: { code: 422, reason: 'Invalid', message: 'spec.reference is required' } }));
    await expect(plugin(config('c', hookOn('/deny'))).admit!(attrs())).rejects.toMatchObject({
      status: {
        code: 422,
        reason: 'Invalid',
        message: 'admission webhook "deny.example.com" denied the request: spec.reference is required',
      },
    });
  });

  it('refuses a dry run for a webhook with side effects', async () => {
    await expect(plugin(config('c', hookOn('/label', { sideEffects: 'Unknown' }))).admit!(attrs({ dryRun: true }))).rejects.toMatchObject({
      status: { code: 400, message: 'admission webhook "label.example.com" does not support dry run' },
    });
  });
});
