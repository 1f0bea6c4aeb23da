/** ValidatingAdmissionWebhook against a real HTTPS webhook with its own CA. */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newNotFound } from '../../../apimachinery/errors.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { type ConfigurationSource, staticSource } from '../../configuration.js';
import type { Attributes } from '../../interfaces.js';
import { flunderAttributes } from '../../testing/attributes.js';
import type { Namespace, NamespaceSource } from '../namespace-lifecycle.js';
import { startWebhookServer, type WebhookServer } from './testing/webhook-server.js';
import type { ValidatingWebhook, ValidatingWebhookConfiguration } from './types.js';
import { validatingWebhook } from './validating-webhook.js';

const flunder = (labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'wardle.example.com/v1beta1',
  kind: 'Flunder',
  metadata: { name: 'f', namespace: 'ns', labels },
  spec: { reference: 'r' },
});

function attrs(over: Partial<Attributes> = {}): Attributes {
  return flunderAttributes(
    {
      object: flunder(),
      userInfo: { name: 'alice', uid: 'u-1', groups: ['system:authenticated'], extra: { scopes: ['a'] } },
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
      warnings: [],
      auditAnnotations: {},
      ...over,
    },
    'v1beta1',
  );
}

const namespaces = (known: Record<string, Record<string, string>>): NamespaceSource => ({
  waitForSync: async () => true,
  cached: (name) => (known[name] ? ({ metadata: { name, labels: known[name] }, status: { phase: 'Active' } } as Namespace) : undefined),
  live: async (name) => {
    throw newNotFound({ group: '', resource: 'namespaces' }, name);
  },
  recentlyDeleted: () => false,
});

describe('ValidatingAdmissionWebhook', () => {
  let server: WebhookServer;
  let hookOn: (path: string, over?: Partial<ValidatingWebhook>) => ValidatingWebhook;
  const plugin = (
    webhooks: ValidatingWebhook[],
    more: { namespaces?: NamespaceSource; source?: ConfigurationSource<ValidatingWebhookConfiguration> } = {},
  ) =>
    validatingWebhook({
      configurations: more.source ?? staticSource([{ metadata: { name: 'config' }, webhooks }]),
      namespaces: more.namespaces ?? namespaces({ ns: { env: 'prod' } }),
    });

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

  it('sends the request as an AdmissionReview v1 and lets an allowed request through', async () => {
    await plugin([hookOn('/allow')]).validate!(attrs());
    const [request] = server.received('/allow');
    expect(request).toEqual({
      uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: { group: 'wardle.example.com', version: 'v1beta1', kind: 'Flunder' },
      resource: { group: 'wardle.example.com', version: 'v1beta1', resource: 'flunders' },
      requestKind: { group: 'wardle.example.com', version: 'v1beta1', kind: 'Flunder' },
      requestResource: { group: 'wardle.example.com', version: 'v1beta1', resource: 'flunders' },
      name: 'f',
      namespace: 'ns',
      operation: 'CREATE',
      userInfo: { username: 'alice', uid: 'u-1', groups: ['system:authenticated'], extra: { scopes: ['a'] } },
      object: flunder(),
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    });
  });

  it('refuses with the webhook’s status, its message prefixed, at least 400', async () => {
    server.handle('/deny', () => ({ allowed: false, status: { code: 403, reason: 'Forbidden', message: 'no flunders here' } }));
    server.handle('/deny-bare', () => ({ allowed: false }));
    server.handle('/deny-reason', () => ({ allowed: false, status: { code: 200, reason: 'Conflict' as never } }));
    await expect(plugin([hookOn('/deny')]).validate!(attrs())).rejects.toMatchObject({
      status: { code: 403, reason: 'Forbidden', message: 'admission webhook "deny.example.com" denied the request: no flunders here' },
    });
    await expect(plugin([hookOn('/deny-bare')]).validate!(attrs())).rejects.toMatchObject({
      status: { code: 400, message: 'admission webhook "deny-bare.example.com" denied the request without explanation' },
    });
    await expect(plugin([hookOn('/deny-reason')]).validate!(attrs())).rejects.toMatchObject({
      status: { code: 400, reason: 'Conflict', message: 'admission webhook "deny-reason.example.com" denied the request: Conflict' },
    });
  });

  it('lets the first denial to arrive win when several webhooks deny', async () => {
    server.handle('/slow-deny', async () => {
      await new Promise((r) => setTimeout(r, 200));
      return { allowed: false, status: { message: 'slow' } };
    });
    server.handle('/fast-deny', () => ({ allowed: false, status: { message: 'fast' } }));
    const started = Date.now();
    await expect(plugin([hookOn('/slow-deny'), hookOn('/fast-deny')]).validate!(attrs())).rejects.toMatchObject({
      status: { message: 'admission webhook "fast-deny.example.com" denied the request: fast' },
    });
    // Called at once, not one after the other; the refusal waits for every webhook, as upstream does.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.received('/slow-deny')).toHaveLength(1);
  });

  it('records warnings and audit annotations, allowed or not', async () => {
    server.handle('/warn', () => ({ allowed: true, warnings: ['careful'], auditAnnotations: { checked: 'yes' } }));
    const a = attrs();
    await plugin([hookOn('/warn')]).validate!(a);
    expect(a.warnings).toEqual(['careful']);
    expect(a.auditAnnotations).toEqual({ 'warn.example.com/checked': 'yes' });
  });

  describe('failurePolicy', () => {
    let closedPort: number;
    beforeAll(async () => {
      const probe = createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      closedPort = (probe.address() as { port: number }).port;
      await new Promise((r) => probe.close(r));
    });
    const down = (over: Partial<ValidatingWebhook>) => ({
      ...hookOn('/down', over),
      clientConfig: { url: `https://127.0.0.1:${closedPort}/down` },
    });

    it('Fail (the default) refuses with 500 when the webhook cannot be called', async () => {
      await expect(plugin([down({})]).validate!(attrs())).rejects.toMatchObject({
        status: {
          code: 500,
          reason: 'InternalError',
          message: `Internal error occurred: failed calling webhook "down.example.com": failed to call webhook: Post "https://127.0.0.1:${closedPort}/down?timeout=10s": dial tcp 127.0.0.1:${closedPort}: connect: connection refused`,
        },
      });
    });

    it('Ignore lets the request through and records that it failed open', async () => {
      const a = attrs();
      await plugin([hookOn('/allow'), down({ failurePolicy: 'Ignore' })]).validate!(a);
      expect(a.auditAnnotations).toEqual({ 'failed-open.validating.webhook.admission.k8s.io/round_0_index_1': 'down.example.com' });
    });

    it('does not let Ignore hide a denial', async () => {
      await expect(plugin([hookOn('/deny', { failurePolicy: 'Ignore' })]).validate!(attrs())).rejects.toMatchObject({
        status: { code: 403 },
      });
    });

    it('gives up after timeoutSeconds', async () => {
      server.handle('/hang', () => 'hang');
      const started = Date.now();
      await expect(plugin([hookOn('/hang', { timeoutSeconds: 1 })]).validate!(attrs())).rejects.toMatchObject({
        status: {
          code: 500,
          message: `Internal error occurred: failed calling webhook "hang.example.com": failed to call webhook: Post "${server.url('/hang')}?timeout=1s": context deadline exceeded`,
        },
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      await plugin([hookOn('/hang', { timeoutSeconds: 1, failurePolicy: 'Ignore' })]).validate!(attrs());
    });
  });

  describe('answers that cannot be used', () => {
    it.each([
      ['/wrong-uid', () => ({ uid: 'other', allowed: true }), 'expected response.uid="UID", got "other"'],
      ['/with-patch', () => ({ allowed: true, patch: 'W10=' }), 'validating webhook may not return response.patch'],
      ['/with-patch-type', () => ({ allowed: true, patchType: 'JSONPatch' }), 'validating webhook may not return response.patchType'],
      [
        '/wrong-kind',
        () => ({
          raw: { status: 200, body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: {} }) },
        }),
        'expected response.uid="UID", got ""',
      ],
      [
        '/no-response',
        () => ({ raw: { status: 200, body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }) } }),
        'webhook response was absent',
      ],
    ] as const)('%s is a failed call', async (path, answer, reason) => {
      server.handle(path, answer as never);
      const err = await plugin([hookOn(path)]).validate!(attrs()).catch((e: any) => e);
      const uid = server.received(path).at(-1)!.uid;
      expect(err.status).toMatchObject({
        code: 500,
        message: `Internal error occurred: failed calling webhook "${path.slice(1)}.example.com": received invalid webhook response: ${reason.replace('UID', uid)}`,
      });
    });

    it('reports a kind other than AdmissionReview v1 once the uid is right', async () => {
      server.handle('/v1beta1-answer', (req) => ({
        raw: {
          status: 200,
          body: JSON.stringify({
            apiVersion: 'admission.k8s.io/v1beta1',
            kind: 'AdmissionReview',
            response: { uid: req.uid, allowed: true },
          }),
        },
      }));
      await expect(plugin([hookOn('/v1beta1-answer')]).validate!(attrs())).rejects.toMatchObject({
        status: {
          message: expect.stringContaining(
            'received invalid webhook response: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview',
          ),
        },
      });
    });

    it('reads an error status as client-go does', async () => {
      server.handle('/boom', () => ({ raw: { status: 500, body: 'boom' } }));
      await expect(plugin([hookOn('/boom')]).validate!(attrs())).rejects.toMatchObject({
        status: {
          code: 500,
          message:
            'Internal error occurred: failed calling webhook "boom.example.com": failed to call webhook: an error on the server ("boom") has prevented the request from succeeding',
        },
      });
    });
  });

  describe('dry run', () => {
    it('refuses a dry run a webhook with side effects would see, whatever its failure policy', async () => {
      for (const failurePolicy of ['Fail', 'Ignore'] as const) {
        await expect(
          plugin([hookOn('/allow', { sideEffects: 'Some', failurePolicy })]).validate!(attrs({ dryRun: true })),
        ).rejects.toMatchObject({
          status: { code: 400, reason: 'BadRequest', message: 'admission webhook "allow.example.com" does not support dry run' },
        });
      }
    });

    it('calls webhooks without side effects, telling them it is a dry run', async () => {
      server.handle('/dry', () => ({ allowed: true }));
      await plugin([hookOn('/dry', { sideEffects: 'None' }), hookOn('/dry', { name: 'dry2.example.com', sideEffects: 'NoneOnDryRun' })])
        .validate!(attrs({ dryRun: true }));
      expect(server.received('/dry').map((r) => r.dryRun)).toEqual([true, true]);
    });

    it('does not check sideEffects for a request that is not a dry run', async () => {
      await plugin([hookOn('/allow', { sideEffects: 'Some' })]).validate!(attrs());
    });
  });

  describe('matching', () => {
    it('calls only the webhooks whose rules, namespaceSelector and objectSelector select the request', async () => {
      server.handle('/selective', () => ({ allowed: false, status: { message: 'called' } }));
      const quiet = [
        hookOn('/selective', { rules: [{ operations: ['DELETE'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] }),
        hookOn('/selective', { namespaceSelector: { matchLabels: { env: 'dev' } } }),
        hookOn('/selective', { objectSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } }),
      ];
      await plugin(quiet).validate!(attrs());
      expect(server.received('/selective')).toHaveLength(0);
      await expect(
        plugin([hookOn('/selective', { namespaceSelector: { matchLabels: { env: 'prod' } } })]).validate!(attrs()),
      ).rejects.toThrow('called');
      await expect(
        plugin([hookOn('/selective', { objectSelector: { matchLabels: { app: 'x' } } })]).validate!(
          attrs({ object: flunder({ app: 'x' }) }),
        ),
      ).rejects.toThrow('called');
    });

    it('refuses with the namespace’s 404 when a selected request’s namespace does not exist', async () => {
      await expect(
        plugin([hookOn('/allow', { namespaceSelector: { matchLabels: { env: 'prod' } } })]).validate!(attrs({ namespace: 'gone' })),
      ).rejects.toMatchObject({
        status: { code: 404, message: 'namespaces "gone" not found' },
      });
    });

    it('skips a webhook whose matchConditions are not all true, and follows the failure policy when one fails', async () => {
      server.handle('/conditional', () => ({ allowed: false, status: { message: 'called' } }));
      const cond = (expression: string, failurePolicy?: 'Ignore') =>
        hookOn('/conditional', { failurePolicy, matchConditions: [{ name: 'c', expression }] });
      await plugin([cond("object.metadata.name == 'other'")]).validate!(attrs());
      expect(server.received('/conditional')).toHaveLength(0);
      await expect(plugin([cond("object.metadata.name == 'f'")]).validate!(attrs())).rejects.toThrow('called');
      const failing = "object.spec.missing == 'x'";
      await expect(plugin([cond(failing)]).validate!(attrs())).rejects.toMatchObject({
        status: { code: 403, message: expect.stringMatching(/^flunders\.wardle\.example\.com "f" is forbidden: /) },
      });
      await plugin([cond(failing, 'Ignore')]).validate!(attrs());
      expect(server.received('/conditional')).toHaveLength(1);
    });

    it('leaves the objects that configure admission alone', async () => {
      server.handle('/config', () => ({ allowed: false }));
      const everything = hookOn('/config', { rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] });
      await plugin([everything]).validate!(
        attrs({
          kind: { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingWebhookConfiguration' },
          resource: { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations' },
          namespace: '',
        }),
      );
      expect(server.received('/config')).toHaveLength(0);
    });
  });

  it('refuses with 403 while the configurations have not been listed', async () => {
    const never: ConfigurationSource<ValidatingWebhookConfiguration> = { waitForSync: async () => false, items: () => [] };
    await expect(plugin([], { source: never }).validate!(attrs())).rejects.toMatchObject({
      status: { code: 403, message: 'flunders.wardle.example.com "f" is forbidden: not yet ready to handle request' },
    });
  });

  it('handles creates, updates and deletes', () => {
    const p = plugin([]);
    expect(['CREATE', 'UPDATE', 'DELETE'].map((op) => p.handles(op as never))).toEqual([true, true, true]);
    expect(p.handles('CONNECT' as never)).toBe(false);
  });
});
