/**
 * The delivery layer: what the runtime calls once it has decided what to send. Renders and composes
 * email, sends it through a transport (an outbox of `.eml` files, or SMTP), keeps the delivery
 * ledger that makes sending at-most-once across crashes, posts signed webhooks, and handles
 * unsubscribes.
 */
export { addressDomain, composeMail, isValidMessageId, messageIdFor } from './compose.ts';
export type { ComposedMail, MailInput } from './compose.ts';
export { deliverOutbox } from './deliver-outbox.ts';
export type { DeliverOutboxOptions, DeliveryReport, MessageOutcome, MessageReport } from './deliver-outbox.ts';
export { LEDGER_FILE, foldLedger, ledgerPathFor, openLedger, readLedger, truncateLedger } from './ledger.ts';
export type { FoldReport, LedgerContents, LedgerRecord, LedgerWriter } from './ledger.ts';
export { deliveryContext, mayDeliver } from './may-deliver.ts';
export type { Deliverable, DeliveryContext } from './may-deliver.ts';
export { listOutboxFiles, outboxFileName, outboxTransport, removeStaleTempFiles } from './outbox-transport.ts';
export { renderEmail } from './render-email.ts';
export type { RenderedEmail } from './render-email.ts';
export { DEFAULT_SMTP_PASSWORD_ENV, smtpTransport } from './smtp-transport.ts';
export type { SmtpConfig } from './smtp-transport.ts';
export { normalizeEmail, suppressionHash } from '../../store/suppression.ts';
export type { SendResult, Transport, TransportName } from './transports.ts';
export { applyJournalUnsubscribes, checkUnsubscribeLink, recordUnsubscribe, unsubscribe, unsubscribeAddresses } from './unsubscribe.ts';
export type { AddressReason, AddressResult, UnsubscribeResult } from './unsubscribe.ts';
export {
  UNSUBSCRIBE_SECRET_ENV,
  acceptedUnsubscribeSecrets,
  resolveUnsubscribeSecret,
  rotateUnsubscribeSecret,
  signsWithLineage,
  unsubscribeSecretOf,
  unsubscribeToken,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from './unsubscribe-token.ts';
export { WEBHOOK_LEDGER_FILE, clearWebhookLedger, foldWebhookLedger, readWebhookLedger, webhookLedgerPathFor } from './webhook-ledger.ts';
export type { WebhookLedgerRecord } from './webhook-ledger.ts';
export { deliverWebhooks, signWebhook, verifyWebhookSignature, webhookPayload } from './webhooks.ts';
export type { DeliverWebhooksOptions, WebhookPayload, WebhookReport } from './webhooks.ts';
