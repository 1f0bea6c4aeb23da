/**
 * The ValidatingAdmissionPolicy plugin (`policy/validating` with `generic.PolicyDispatcher`): every policy the
 * request matches, through each of its bindings that matches too, once per param, is evaluated; a denial acts
 * as the binding's validationActions say (Deny refuses, Warn adds a warning, Audit an audit annotation). A
 * configuration error (a param missing under Deny, a selector that does not parse) follows the policy's
 * failure policy. The first denial refuses the request, with the reason (and so the code) the validation
 * gave: 422 Invalid unless it said otherwise.
 */
import type { StatusError, StatusReason } from '../../../../apimachinery/errors.js';
import type { KubeObject } from '../../../../apimachinery/types.js';
import type { ConfigurationSource } from '../../../configuration.js';
import { admissionForbidden } from '../../../errors.js';
import type { Attributes, Plugin } from '../../../interfaces.js';
import { matchResources } from '../../../matching/match-resources.js';
import type { NamespaceSource } from '../../namespace-lifecycle.js';
import { compilePolicy } from './compile.js';
import { collectParams, NO_PARAMS, type ParamResolver } from '../params.js';
import { bindingsByPolicy, namespaceOnce, waitForPolicies } from '../policy-context.js';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, ValidationAction } from './types.js';
import { validatePolicy } from './validator.js';

export interface ValidatingAdmissionPolicyOptions {
  policies: ConfigurationSource<ValidatingAdmissionPolicy>;
  bindings: ConfigurationSource<ValidatingAdmissionPolicyBinding>;
  /** The cluster's namespaces, for namespaceSelector and `namespaceObject`. */
  namespaces?: NamespaceSource;
  params?: ParamResolver;
}

/** `maxAuditAnnotationValueLength`. */
const MAX_AUDIT_ANNOTATION_VALUE = 10 * 1024;
/** `maxValidationFailures`. */
const MAX_VALIDATION_FAILURES = 50;
const VALIDATION_FAILURE_ANNOTATION = 'validation.policy.admission.k8s.io/validation_failure';

const CODES: Record<string, number> = { Forbidden: 403, Unauthorized: 401, RequestEntityTooLarge: 413, Invalid: 422 };

interface Denial {
  policy: string;
  binding: string | undefined;
  message: string;
  reason?: string;
}

interface ValidationFailure {
  message: string;
  policy: string;
  binding: string;
  expressionIndex: number;
  validationActions: ValidationAction[];
}

export function validatingAdmissionPolicy(opts: ValidatingAdmissionPolicyOptions): Plugin {
  const params = opts.params ?? NO_PARAMS;
  return {
    name: 'ValidatingAdmissionPolicy',
    handles: () => true,
    async validate(a: Attributes) {
      await waitForPolicies(a, opts.policies, opts.bindings);
      const bindingsOf = bindingsByPolicy(opts.bindings.items());
      if (bindingsOf.size === 0) return;
      const namespaceObject = namespaceOnce(opts.namespaces, a);
      const denials: Denial[] = [];
      const failures: ValidationFailure[] = [];
      const configError = (policy: ValidatingAdmissionPolicy, binding: ValidatingAdmissionPolicyBinding | undefined, err: unknown) => {
        if (policy.spec.failurePolicy === 'Ignore') return;
        const what = binding ? 'binding' : 'policy';
        const message = `failed to configure ${what}: ${err instanceof Error ? err.message : String(err)}`;
        denials.push({ policy: policy.metadata.name, binding: binding?.metadata.name, message });
      };

      for (const policy of opts.policies.items()) {
        const bindings = bindingsOf.get(policy.metadata.name);
        if (!bindings) continue;
        let matched: ReturnType<typeof matchResources>;
        try {
          matched = policy.spec.matchConstraints ? matchResources(policy.spec.matchConstraints, a, await namespaceObject()) : undefined;
        } catch (err) {
          configError(policy, undefined, err);
          continue;
        }
        if (!matched) continue;
        const compiled = compilePolicy(policy);
        const annotations = new Map<string, string[]>();
        for (const binding of bindings) {
          let params_: unknown[];
          try {
            const bindingMatches = !binding.spec.matchResources || matchResources(binding.spec.matchResources, a, await namespaceObject());
            if (!bindingMatches) continue;
            params_ = await collectParams(params, policy.spec.paramKind, binding.spec.paramRef, a.namespace);
          } catch (err) {
            configError(policy, binding, err);
            continue;
          }
          const versioned = versionedObjects(a, matched);
          const ns = await namespaceObject();
          for (const param of params_) {
            const result = validatePolicy(compiled, {
              attrs: a,
              resource: matched.resource,
              kind: matched.kind,
              ...versioned,
              params: param,
              namespace: ns,
            });
            const actions = binding.spec.validationActions ?? [];
            result.decisions.forEach((d, i) => {
              if (d.action !== 'Deny') return;
              for (const action of actions) {
                if (action === 'Deny')
                  denials.push({ policy: policy.metadata.name, binding: binding.metadata.name, message: d.message, reason: d.reason });
                else if (action === 'Warn') {
                  a.warnings?.push(
                    `Validation failed for ValidatingAdmissionPolicy '${policy.metadata.name}' with binding '${binding.metadata.name}': ${d.message}`,
                  );
                } else if (action === 'Audit') {
                  failures.push({
                    message: d.message,
                    policy: policy.metadata.name,
                    binding: binding.metadata.name,
                    expressionIndex: i,
                    validationActions: actions,
                  });
                }
              }
            });
            for (const ann of result.auditAnnotations) {
              if (ann.action === 'Publish') {
                const values = annotations.get(ann.key) ?? [];
                const value = ann.value.slice(0, MAX_AUDIT_ANNOTATION_VALUE);
                if (!values.includes(value)) values.push(value);
                annotations.set(ann.key, values);
              } else if (ann.action === 'Error') {
                denials.push({ policy: policy.metadata.name, binding: binding.metadata.name, message: ann.error });
              }
            }
          }
        }
        if (a.auditAnnotations)
          for (const [key, values] of annotations) a.auditAnnotations[`${policy.metadata.name}/${key}`] = values.join(', ');
      }

      if (failures.length > 0 && a.auditAnnotations) {
        a.auditAnnotations[VALIDATION_FAILURE_ANNOTATION] = JSON.stringify(failures.slice(0, MAX_VALIDATION_FAILURES));
      }
      const [first] = denials;
      if (first) throw denialError(a, first);
    },
  };
}

function denialError(a: Attributes, d: Denial): StatusError {
  const message =
    d.binding !== undefined
      ? `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`
      : `ValidatingAdmissionPolicy '${d.policy}' denied request: ${d.message}`;
  const err = admissionForbidden(a, message);
  const reason = d.reason || 'Invalid';
  err.status.reason = reason as StatusReason;
  err.status.code = CODES[reason] ?? 422;
  err.status.details = { ...err.status.details, causes: [...(err.status.details?.causes ?? []), { message }] };
  return err;
}

/** The request's objects in the version the policy matched (converted when it matched an equivalent one). */
function versionedObjects(
  a: Attributes,
  matched: { kind: { version: string }; equivalent: boolean },
): { object: KubeObject | undefined; oldObject: KubeObject | undefined } {
  const convert = a.equivalents?.convert;
  if (!matched.equivalent || !convert) return { object: a.object, oldObject: a.oldObject };
  return {
    object: a.object && convert(a.object, matched.kind.version),
    oldObject: a.oldObject && convert(a.oldObject, matched.kind.version),
  };
}
