/**
 * MutatingAdmissionWebhook (`webhook/mutating`): the matching webhooks are called one after another, each
 * seeing the object as the previous ones patched it. When a webhook changed the object, the webhooks already
 * called that asked for reinvocation (`reinvocationPolicy: IfNeeded`) are called once more, as upstream's
 * chain reinvocation does; here the round is run by the plugin itself, after its first one.
 */
import { isDeepStrictEqual } from 'node:util';
import { newInternalError, newServiceUnavailable } from '../../../apimachinery/errors.js';
import { goQuote } from '../../../apimachinery/go-format.js';
import type { Attributes, Plugin } from '../../interfaces.js';
import type { MatchedResource } from '../../matching/index.js';
import { callWebhook, ignoresFailures } from './call.js';
import { defaultServiceResolver, type ServiceResolver } from './client.js';
import { CallingWebhookError, toStatusError } from './errors.js';
import { applyPatch, decodePatch, type PatchOperation, patchForAudit } from './json-patch.js';
import type { MutatingWebhook, MutatingWebhookConfiguration } from './types.js';
import {
  addAuditAnnotation,
  type Hook,
  hooksFor,
  namespaceLookup,
  shouldCallHook,
  versionedAttributes,
  type WebhookPluginOptions,
} from './webhook.js';

const MUTATION_ANNOTATION_PREFIX = 'mutation.webhook.admission.k8s.io/';
const PATCH_ANNOTATION_PREFIX = 'patch.webhook.admission.k8s.io/';
const FAILED_OPEN_ANNOTATION_PREFIX = `failed-open.${MUTATION_ANNOTATION_PREFIX}`;

/** Which webhooks a later change obliges to run again (`webhookReinvokeContext`). */
interface Reinvocation {
  /** Called, asking for reinvocation, since the object last changed. */
  previouslyInvoked: Set<string>;
  /** To be called in the second round. */
  reinvoke: Set<string>;
  changed: boolean;
}

export function mutatingWebhook(opts: WebhookPluginOptions<MutatingWebhookConfiguration>): Plugin {
  const resolve = opts.resolveService ?? defaultServiceResolver;
  return {
    name: 'MutatingAdmissionWebhook',
    handles: (op) => op === 'CREATE' || op === 'UPDATE' || op === 'DELETE',
    async admit(attrs: Attributes) {
      const hooks = await hooksFor(opts, attrs);
      if (hooks.length === 0) return;
      const namespace = namespaceLookup(opts.namespaces, attrs);
      const state: Reinvocation = { previouslyInvoked: new Set(), reinvoke: new Set(), changed: false };
      await dispatch(hooks, attrs, namespace, resolve, state, 0);
      if (state.changed) await dispatch(hooks, attrs, namespace, resolve, state, 1);
    },
  };
}

async function dispatch(
  hooks: Hook<MutatingWebhook>[],
  attrs: Attributes,
  namespace: () => Promise<unknown>,
  resolve: ServiceResolver,
  state: Reinvocation,
  round: 0 | 1,
): Promise<void> {
  for (const [index, hook] of hooks.entries()) {
    const matched = await shouldCallHook(hook.webhook, attrs, namespace);
    // A webhook not called in the first round (its selectors did not match then) is not called in the second.
    if (!matched || (round === 1 && !state.reinvoke.has(hook.uid))) continue;
    const { webhook } = hook;
    const at = `round_${round}_index_${index}`;
    let changed = false;
    let failure: unknown;
    try {
      changed = await callMutatingWebhook(hook, attrs, matched, resolve, at);
    } catch (err) {
      failure = err;
    }
    const mutation = { configuration: hook.configurationName, webhook: webhook.name, mutated: changed };
    addAuditAnnotation(attrs, MUTATION_ANNOTATION_PREFIX + at, JSON.stringify(mutation));
    if (changed) {
      for (const uid of state.previouslyInvoked) state.reinvoke.add(uid);
      state.previouslyInvoked.clear();
      state.changed = true;
    }
    if (webhook.reinvocationPolicy === 'IfNeeded') state.previouslyInvoked.add(hook.uid);
    if (failure === undefined) continue;
    if (failure instanceof CallingWebhookError) {
      if (ignoresFailures(webhook)) {
        addAuditAnnotation(attrs, FAILED_OPEN_ANNOTATION_PREFIX + at, webhook.name);
        continue;
      }
      throw newInternalError(failure);
    }
    throw failure;
  }
}

/** Calls the webhook and applies its patch to `attrs.object`; resolves whether the object changed. */
async function callMutatingWebhook(
  hook: Hook<MutatingWebhook>,
  attrs: Attributes,
  matched: MatchedResource,
  resolve: ServiceResolver,
  at: string,
): Promise<boolean> {
  const { webhook } = hook;
  const versioned = versionedAttributes(attrs, matched);
  const response = await callWebhook(webhook, attrs, versioned, matched, resolve, true);
  if (!response.patch) return false;
  let ops: PatchOperation[];
  try {
    ops = decodePatch(response.patch);
  } catch (err) {
    const reason = `received undecodable patch in webhook response: ${(err as Error).message}`;
    throw new CallingWebhookError(webhook.name, reason, newServiceUnavailable('error decoding patch in webhook response'));
  }
  if (ops.length === 0) return false;
  if (!versioned.object) {
    throw newInternalError(
      `admission webhook ${goQuote(webhook.name)} attempted to modify the object, which is not supported for this operation`,
    );
  }
  if (response.patchType !== 'JSONPatch') {
    throw new CallingWebhookError(
      webhook.name,
      `unsupported patch type ${goQuote(response.patchType ?? '')}`,
      toStatusError(webhook.name, response.status),
    );
  }
  const patched = applyPatch(versioned.object, ops);
  const changed = !isDeepStrictEqual(versioned.object, patched);
  const audit = { configuration: hook.configurationName, webhook: webhook.name, patch: patchForAudit(ops), patchType: 'JSONPatch' };
  addAuditAnnotation(attrs, PATCH_ANNOTATION_PREFIX + at, JSON.stringify(audit));
  // Back in the request's version, then through the decoder's pruning and defaulting (upstream defaults the
  // patched object and converts it back once all webhooks ran; the result is the same object).
  const back = matched.equivalent && attrs.equivalents ? attrs.equivalents.convert(patched, attrs.resource.version) : patched;
  attrs.object = attrs.normalize ? attrs.normalize(back) : back;
  return changed;
}
