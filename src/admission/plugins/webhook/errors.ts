/**
 * How a webhook call fails (`util/webhook/error.go`, `webhook/errors`): a call that did not produce a usable
 * answer (subject to the failure policy), and a webhook's denial, which always refuses the request.
 */
import { newBadRequest, type Status, StatusError, type StatusReason } from '../../../apimachinery/errors.js';
import { goQuote } from '../../../apimachinery/go-format.js';

/** `ErrCallingWebhook`: the webhook could not be called or its answer could not be used. */
export class CallingWebhookError extends Error {
  constructor(
    readonly webhookName: string,
    reason: string,
    /** What the call's failure amounts to, for the record; a Fail policy refuses with a 500 regardless. */
    readonly status: StatusError,
  ) {
    super(`failed calling webhook ${goQuote(webhookName)}: ${reason}`);
    this.name = 'CallingWebhookError';
  }
}

/**
 * `ToStatusErr`: the webhook's own Status, made a failure of at least 400, its message prefixed with who
 * denied the request.
 */
export function toStatusError(webhookName: string, result: Partial<Status> | undefined): StatusError {
  const deniedBy = `admission webhook ${goQuote(webhookName)} denied the request`;
  const code = typeof result?.code === 'number' && result.code >= 400 ? result.code : 400;
  let message: string;
  if (result?.message) message = `${deniedBy}: ${result.message}`;
  else if (result?.reason) message = `${deniedBy}: ${result.reason}`;
  else message = `${deniedBy} without explanation`;
  return new StatusError({
    code,
    message,
    ...(result?.reason ? { reason: result.reason as StatusReason } : {}),
    ...(result?.details ? { details: result.details } : {}),
    ...(result?.metadata ? { metadata: result.metadata } : {}),
  });
}

/** `NewDryRunUnsupportedErr`: a dry run must not reach a webhook that may have side effects. */
export function dryRunUnsupported(webhookName: string): StatusError {
  return newBadRequest(`admission webhook ${goQuote(webhookName)} does not support dry run`);
}
