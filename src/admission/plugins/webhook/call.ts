/**
 * One call of one webhook, as both dispatchers make it: the dry-run check, the AdmissionReview, the post, the
 * checks of the answer, its audit annotations and warnings. A denial is thrown as the webhook's Status; a call
 * that went wrong as a CallingWebhookError, for the caller's failure policy.
 */
import { newBadRequest, newInternalError, newServiceUnavailable } from '../../../apimachinery/errors.js';
import { goQuote } from '../../../apimachinery/go-format.js';
import type { Attributes } from '../../interfaces.js';
import type { MatchedResource } from '../../matching/index.js';
import { createAdmissionReview, UndecodableResponse, type VerifiedResponse, verifyAdmissionResponse } from './admission-review.js';
import { PostError, postAdmissionReview, type ServiceResolver } from './client.js';
import { CallingWebhookError, dryRunUnsupported, toStatusError } from './errors.js';
import type { ValidatingWebhook } from './types.js';
import { addAuditAnnotation } from './webhook.js';

/** The API's default timeoutSeconds. */
const DEFAULT_TIMEOUT_SECONDS = 10;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Calls the webhook with the request in the matched version (`versioned`) and returns its allowing answer.
 * Audit annotations are recorded as `<webhook>/<key>` and warnings added whether it allows or denies.
 */
export async function callWebhook(
  webhook: ValidatingWebhook,
  attrs: Attributes,
  versioned: Attributes,
  matched: MatchedResource,
  resolve: ServiceResolver,
  mutating: boolean,
): Promise<VerifiedResponse> {
  const name = webhook.name;
  if (attrs.dryRun) {
    if (!webhook.sideEffects)
      throw new CallingWebhookError(name, 'Webhook SideEffects is nil', newBadRequest('Webhook SideEffects is nil'));
    // Not subject to the failure policy: a dry run must never reach a webhook that could act on it.
    if (webhook.sideEffects !== 'None' && webhook.sideEffects !== 'NoneOnDryRun') throw dryRunUnsupported(name);
  }
  let created: ReturnType<typeof createAdmissionReview>;
  try {
    created = createAdmissionReview(webhook.admissionReviewVersions, versioned, attrs, matched);
  } catch (err) {
    throw new CallingWebhookError(
      name,
      `could not create admission objects: ${message(err)}`,
      newBadRequest('error creating admission objects'),
    );
  }
  let answer: unknown;
  try {
    answer = await postAdmissionReview(webhook.clientConfig, created.review, webhook.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, resolve);
  } catch (err) {
    if (err instanceof PostError) {
      throw new CallingWebhookError(
        name,
        `failed to call webhook: ${err.message}`,
        err.status ?? newServiceUnavailable('error calling webhook'),
      );
    }
    // The client could not be built; upstream nests the client's own ErrCallingWebhook in the reason.
    const reason = `could not get REST client: failed calling webhook ${goQuote(name)}: ${message(err)}`;
    throw new CallingWebhookError(name, reason, newInternalError(err));
  }
  let verified: VerifiedResponse;
  try {
    verified = verifyAdmissionResponse(created.uid, created.review, mutating, answer);
  } catch (err) {
    if (err instanceof UndecodableResponse) {
      throw new CallingWebhookError(name, `failed to call webhook: ${err.message}`, newServiceUnavailable('error calling webhook'));
    }
    throw new CallingWebhookError(
      name,
      `received invalid webhook response: ${message(err)}`,
      newServiceUnavailable('error validating webhook response'),
    );
  }
  for (const [key, value] of Object.entries(verified.auditAnnotations)) addAuditAnnotation(attrs, `${name}/${key}`, value);
  attrs.warnings?.push(...verified.warnings);
  if (!verified.allowed) throw toStatusError(name, verified.status);
  return verified;
}

/** Whether a call that went wrong lets the request through (failurePolicy Ignore; the API defaults to Fail). */
export const ignoresFailures = (webhook: ValidatingWebhook): boolean => webhook.failurePolicy === 'Ignore';
