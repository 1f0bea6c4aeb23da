/**
 * ValidatingAdmissionWebhook (`webhook/validating`): every matching webhook is called at once. A call that
 * went wrong refuses the request with a 500 under failurePolicy Fail; a denial refuses it with the webhook's
 * Status. When several refuse, the first to answer wins, as upstream takes the first error off its channel.
 */
import { newInternalError } from '../../../apimachinery/errors.js';
import type { Attributes, Plugin } from '../../interfaces.js';
import type { MatchedResource } from '../../matching/index.js';
import { callWebhook, ignoresFailures } from './call.js';
import { defaultServiceResolver } from './client.js';
import { CallingWebhookError } from './errors.js';
import type { ValidatingWebhook, ValidatingWebhookConfiguration } from './types.js';
import {
  addAuditAnnotation,
  type Hook,
  hooksFor,
  namespaceLookup,
  shouldCallHook,
  versionedAttributes,
  type WebhookPluginOptions,
} from './webhook.js';

const FAILED_OPEN_ANNOTATION_PREFIX = 'failed-open.validating.webhook.admission.k8s.io/';

interface Invocation {
  hook: Hook<ValidatingWebhook>;
  matched: MatchedResource;
  versioned: Attributes;
}

export function validatingWebhook(opts: WebhookPluginOptions<ValidatingWebhookConfiguration>): Plugin {
  const resolve = opts.resolveService ?? defaultServiceResolver;
  return {
    name: 'ValidatingAdmissionWebhook',
    handles: (op) => op === 'CREATE' || op === 'UPDATE' || op === 'DELETE',
    async validate(attrs: Attributes) {
      const hooks = await hooksFor(opts, attrs);
      const namespace = namespaceLookup(opts.namespaces, attrs);
      // Matching (and its errors) comes first, in order, before any webhook is called.
      const invocations: Invocation[] = [];
      for (const hook of hooks) {
        const matched = await shouldCallHook(hook.webhook, attrs, namespace);
        if (matched) invocations.push({ hook, matched, versioned: versionedAttributes(attrs, matched) });
      }
      const refusals: unknown[] = [];
      await Promise.all(
        invocations.map(async ({ hook: { webhook }, matched, versioned }, index) => {
          try {
            await callWebhook(webhook, attrs, versioned, matched, resolve, false);
          } catch (err) {
            if (!(err instanceof CallingWebhookError)) refusals.push(err);
            else if (!ignoresFailures(webhook)) refusals.push(newInternalError(err));
            else addAuditAnnotation(attrs, `${FAILED_OPEN_ANNOTATION_PREFIX}round_0_index_${index}`, webhook.name);
          }
        }),
      );
      if (refusals.length > 0) throw refusals[0];
    },
  };
}
