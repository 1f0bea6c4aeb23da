/**
 * What the admission chain costs per write, in process: the plugins `serve` enables (NamespaceLifecycle aside,
 * which reads an informer's cache) offered one Flunder create, with no configuration at all; with the BanFlunder
 * ValidatingAdmissionPolicy (deploy/policies) and one Fischer as its param in LevelDB; and with one validating
 * webhook, a small HTTPS server in this process (so its own handling is counted too) that allows everything.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { newAdmissionChain } from '../src/admission/chain.js';
import { staticSource } from '../src/admission/configuration.js';
import type { Attributes, Plugin } from '../src/admission/interfaces.js';
import { mutatingAdmissionPolicy } from '../src/admission/plugins/policy/mutating/mutating-admission-policy.js';
import type { MutatingAdmissionPolicy, MutatingAdmissionPolicyBinding } from '../src/admission/plugins/policy/mutating/types.js';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from '../src/admission/plugins/policy/validating/types.js';
import { validatingAdmissionPolicy } from '../src/admission/plugins/policy/validating/validating-admission-policy.js';
import type { MutatingWebhookConfiguration, ValidatingWebhookConfiguration } from '../src/admission/plugins/webhook/types.js';
import { mutatingWebhook, validatingWebhook } from '../src/admission/plugins/webhook/index.js';
import { startWebhookServer } from '../src/admission/plugins/webhook/testing/webhook-server.js';
import type { KubeObject } from '../src/apimachinery/types.js';
import { builtinDefinitionsPath, loadDefinitions } from '../src/registry/definitions/load.js';
import { ownParams } from '../src/registry/params.js';
import { flunderAttributes } from '../src/admission/testing/attributes.js';
import { wardleCodeStrategies } from '../src/registry/wardle/index.js';
import { LevelStorage } from '../src/storage/level/index.js';

export interface AdmissionCost {
  none: number;
  policy: number;
  webhook: number;
}

/** Microseconds per write, the median of five rounds of `n` sequential writes. */
async function time(n: number, op: (i: number) => Promise<void>): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await op(i);
    rounds.push(Number(process.hrtime.bigint() - start) / 1000 / n);
  }
  return rounds.sort((a, b) => a - b)[2] as number;
}

const attributes = (i: number): Attributes =>
  flunderAttributes({
    namespace: 'default',
    name: `f-${i}`,
    object: {
      apiVersion: 'wardle.example.com/v1alpha1',
      kind: 'Flunder',
      metadata: { name: `f-${i}`, namespace: 'default', labels: { app: 'bench' } },
      spec: { reference: 'r', referenceType: 'Flunder' },
    } as KubeObject,
    userInfo: { name: 'alice', groups: ['system:authenticated'], extra: {} },
    options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    warnings: [],
    auditAnnotations: {},
  });

export async function benchAdmission(): Promise<AdmissionCost> {
  const builtin = builtinDefinitionsPath();
  const definitions = await loadDefinitions([builtin], new Map([[builtin, wardleCodeStrategies()]]));
  const dir = mkdtempSync(join(tmpdir(), 'bench-admission-'));
  const storage = new LevelStorage({ path: dir });
  await storage.open();
  // Answers every review it has no handler for with allowed: true.
  const hook = await startWebhookServer();
  try {
    await storage.create('/wardle.example.com/fischers/bans', {
      apiVersion: 'wardle.example.com/v1alpha1',
      kind: 'Fischer',
      metadata: { name: 'bans', uid: 'u' },
      disallowedFlunders: ['banned'],
    } as KubeObject);
    const [policy, binding] = parseAllDocuments(
      readFileSync(resolve(import.meta.dirname, '..', 'deploy', 'policies', 'ban-flunder.yaml'), 'utf8'),
    ).map((d) => d.toJS()) as [ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding];
    const validating: ValidatingWebhookConfiguration = {
      metadata: { name: 'bench' },
      webhooks: [
        {
          name: 'allow.bench.example.com',
          clientConfig: { url: hook.url('/validate'), caBundle: hook.caBundle },
          rules: [{ apiGroups: ['wardle.example.com'], apiVersions: ['*'], operations: ['CREATE'], resources: ['flunders'] }],
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    };
    const chain = (
      policies: ValidatingAdmissionPolicy[],
      bindings: ValidatingAdmissionPolicyBinding[],
      webhooks: ValidatingWebhookConfiguration[],
    ) => {
      const plugins: Plugin[] = [
        mutatingAdmissionPolicy({
          policies: staticSource<MutatingAdmissionPolicy>([]),
          bindings: staticSource<MutatingAdmissionPolicyBinding>([]),
        }),
        mutatingWebhook({ configurations: staticSource<MutatingWebhookConfiguration>([]) }),
        validatingAdmissionPolicy({
          policies: staticSource(policies),
          bindings: staticSource(bindings),
          params: ownParams(definitions, storage),
        }),
        validatingWebhook({ configurations: staticSource(webhooks) }),
      ];
      const c = newAdmissionChain(plugins);
      return async (i: number) => {
        const a = attributes(i);
        await c.admit(a);
        await c.validate(a);
      };
    };
    const none = chain([], [], []);
    const withPolicy = chain([policy], [binding], []);
    const withWebhook = chain([], [], [validating]);
    await time(200, withWebhook);
    return { none: await time(5000, none), policy: await time(5000, withPolicy), webhook: await time(500, withWebhook) };
  } finally {
    await hook.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
