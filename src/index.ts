/**
 * campaignkit — campaigns-as-code for marketing automation.
 *
 * The authoring API (what campaign modules use) and the programmatic API (compile, plan, run).
 */
export * from './dsl/index.ts';
export * from './ir/index.ts';
export * from './store/index.ts';
export * from './planner/index.ts';
// For receivers of campaignkit's webhooks (docs/runtime.md): check `X-Campaignkit-Signature`.
export { signWebhook, verifyWebhookSignature } from './runtime/deliver/webhook-signature.ts';
// For the page at `settings.unsubscribeUrl`: check a link's token before queueing it for `campaign unsubscribe`.
export { UNSUBSCRIBE_SECRET_ENV, unsubscribeToken, verifyUnsubscribeToken } from './runtime/deliver/unsubscribe-token.ts';
