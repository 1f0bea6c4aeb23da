/** The admission webhooks: MutatingAdmissionWebhook and ValidatingAdmissionWebhook. */
export { defaultServiceResolver, type ServiceEndpoint, type ServiceResolver } from './client.js';
export { mutatingWebhook } from './mutating-webhook.js';
export type * from './types.js';
export { validatingWebhook } from './validating-webhook.js';
export type { WebhookPluginOptions } from './webhook.js';
