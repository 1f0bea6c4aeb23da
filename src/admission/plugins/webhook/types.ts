/**
 * MutatingWebhookConfiguration and ValidatingWebhookConfiguration (admissionregistration.k8s.io/v1), the
 * fields admission reads, and the AdmissionReview (admission.k8s.io/v1 or v1beta1) exchanged with a webhook.
 */
import type { Status } from '../../../apimachinery/errors.js';
import type { MatchCondition } from '../../cel/match-conditions.js';
import type { GroupVersionKind, GroupVersionResource, WebhookMatchCriteria } from '../../matching/index.js';

export interface ServiceReference {
  namespace: string;
  name: string;
  path?: string;
  /** Defaults to 443. */
  port?: number;
}

export interface WebhookClientConfig {
  url?: string;
  service?: ServiceReference;
  /** Base64 PEM: the only CAs trusted for the webhook's serving certificate; the system's roots when empty. */
  caBundle?: string;
}

export type FailurePolicyType = 'Fail' | 'Ignore';
export type SideEffectClass = 'None' | 'NoneOnDryRun' | 'Some' | 'Unknown';
export type ReinvocationPolicyType = 'Never' | 'IfNeeded';

export interface ValidatingWebhook extends WebhookMatchCriteria {
  name: string;
  clientConfig: WebhookClientConfig;
  /** Defaults to Fail. */
  failurePolicy?: FailurePolicyType;
  sideEffects?: SideEffectClass;
  /** Defaults to 10. */
  timeoutSeconds?: number;
  /** The AdmissionReview versions the webhook accepts, preferred first. */
  admissionReviewVersions?: string[];
  matchConditions?: MatchCondition[];
}

export interface MutatingWebhook extends ValidatingWebhook {
  /** Defaults to Never. */
  reinvocationPolicy?: ReinvocationPolicyType;
}

export interface ValidatingWebhookConfiguration {
  metadata: { name: string };
  webhooks?: ValidatingWebhook[];
}

export interface MutatingWebhookConfiguration {
  metadata: { name: string };
  webhooks?: MutatingWebhook[];
}

export interface UserInfoReview {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource?: string;
  requestKind: GroupVersionKind;
  requestResource: GroupVersionResource;
  requestSubResource?: string;
  name?: string;
  namespace?: string;
  operation: string;
  userInfo: UserInfoReview;
  object: unknown;
  oldObject: unknown;
  dryRun: boolean;
  options: unknown;
}

export interface AdmissionResponse {
  uid?: string;
  allowed?: boolean;
  status?: Partial<Status>;
  /** Base64 of a JSON patch. */
  patch?: string;
  patchType?: string;
  auditAnnotations?: Record<string, string>;
  warnings?: string[];
}

export interface AdmissionReview {
  kind: 'AdmissionReview';
  apiVersion: string;
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}
