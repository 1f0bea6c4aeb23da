/**
 * The MutatingAdmissionPolicy plugin (`policy/mutating` with `generic.PolicyDispatcher`): every policy the
 * request matches, through each of its bindings that matches too, once per param, is invoked in order (see
 * dispatcher.ts). Configuration errors (a selector that does not parse, a param missing under Deny) and
 * mutation errors follow the policy's failure policy; those that fail the request refuse it with a 403 whose
 * message is the first error's, and whose reason is Invalid for an error of a mutation or matchCondition.
 *
 * Reinvocation: upstream's admission chain runs the reinvocable plugins again once every mutating plugin has
 * run, when one changed the object. Our chain runs each plugin once, so this plugin makes its reinvocation
 * itself, right after its first pass: the invocations of IfNeeded policies that an invocation after them
 * changed the object for run once more. A change made by a later plugin of the chain does not reinvoke them.
 */
import { StatusError } from '../../../../apimachinery/errors.js';
import { goQuote } from '../../../../apimachinery/go-format.js';
import type { ConfigurationSource } from '../../../configuration.js';
import { admissionForbidden } from '../../../errors.js';
import type { Attributes, Plugin } from '../../../interfaces.js';
import { matchResources } from '../../../matching/match-resources.js';
import type { NamespaceSource } from '../../namespace-lifecycle.js';
import { collectParams, NO_PARAMS, type ParamResolver } from '../params.js';
import { bindingsByPolicy, namespaceOnce, waitForPolicies } from '../policy-context.js';
import { dispatchInvocations, type Invocation, type PolicyError } from './dispatcher.js';
import { ReinvocationContext } from './reinvocation.js';
import type { MutatingAdmissionPolicy, MutatingAdmissionPolicyBinding } from './types.js';

export interface MutatingAdmissionPolicyOptions {
  policies: ConfigurationSource<MutatingAdmissionPolicy>;
  bindings: ConfigurationSource<MutatingAdmissionPolicyBinding>;
  /** The cluster's namespaces, for namespaceSelector and `namespaceObject`. */
  namespaces?: NamespaceSource;
  params?: ParamResolver;
}

export function mutatingAdmissionPolicy(opts: MutatingAdmissionPolicyOptions): Plugin {
  const params = opts.params ?? NO_PARAMS;

  /** The invocations for the request as it is now, and the configuration errors met finding them. */
  async function invocationsFor(a: Attributes, namespace: () => Promise<Record<string, unknown> | undefined>) {
    const bindingsOf = bindingsByPolicy(opts.bindings.items());
    const invocations: Invocation[] = [];
    const errors: PolicyError[] = [];
    const configError = (policy: MutatingAdmissionPolicy, binding: MutatingAdmissionPolicyBinding | undefined, err: unknown) => {
      const message = `failed to configure ${binding ? 'binding' : 'policy'}: ${(err as Error).message ?? String(err)}`;
      errors.push({ policy, binding, message });
    };
    for (const policy of opts.policies.items()) {
      const bindings = bindingsOf.get(policy.metadata.name);
      if (!bindings) continue;
      let matched: ReturnType<typeof matchResources>;
      try {
        matched = policy.spec.matchConstraints ? matchResources(policy.spec.matchConstraints, a, await namespace()) : undefined;
      } catch (err) {
        configError(policy, undefined, err);
        continue;
      }
      if (!matched) continue;
      for (const binding of bindings) {
        try {
          const matchResourcesOfBinding = binding.spec.matchResources;
          if (matchResourcesOfBinding && !matchResources(matchResourcesOfBinding, a, await namespace())) continue;
          for (const param of await collectParams(params, policy.spec.paramKind, binding.spec.paramRef, a.namespace)) {
            invocations.push({ policy, binding, matched, param });
          }
        } catch (err) {
          configError(policy, binding, err);
        }
      }
    }
    return { invocations, errors };
  }

  return {
    name: 'MutatingAdmissionPolicy',
    // There is no object to mutate on DELETE.
    handles: (operation) => operation !== 'DELETE',
    async admit(a: Attributes) {
      await waitForPolicies(a, opts.policies, opts.bindings);
      if (opts.bindings.items().length === 0) return;
      const namespace = namespaceOnce(opts.namespaces, a);
      const reinvocation = new ReinvocationContext();
      for (const reinvoke of [false, true]) {
        if (reinvoke && !reinvocation.reinvocationNeeded) break;
        const { invocations, errors } = await invocationsFor(a, namespace);
        if (invocations.length > 0) {
          const ns = await namespace();
          errors.push(...dispatchInvocations({ attrs: a, invocations, namespace: ns, reinvocation, reinvoke }));
        }
        const failing = errors.filter((e) => e.policy.spec.failurePolicy !== 'Ignore');
        if (failing.length > 0) throw deniedByPolicy(a, failing);
      }
    },
  };
}

/** `PolicyError.Error()`. */
function errorMessage(e: PolicyError): string {
  return e.binding
    ? `policy '${e.policy.metadata.name}' with binding '${e.binding.metadata.name}' denied request: ${e.message}`
    : `policy ${goQuote(e.policy.metadata.name)} denied request: ${e.message}`;
}

/**
 * Upstream's refusal: `admission.NewForbidden` whose message becomes the first error's own (no "is forbidden"
 * prefix) and whose reason its reason, the code staying 403; every error is a cause.
 */
function deniedByPolicy(a: Attributes, errors: PolicyError[]): StatusError {
  const forbidden = admissionForbidden(a, 'admission request denied by policy').status;
  const first = errors[0]!;
  return new StatusError({
    code: 403,
    reason: first.reason ?? forbidden.reason,
    message: errorMessage(first),
    details: { ...forbidden.details, causes: errors.map((e) => ({ message: errorMessage(e) })) },
  });
}
