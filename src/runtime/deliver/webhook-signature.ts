import { createHmac, timingSafeEqual } from 'node:crypto';

// The signature of campaignkit's webhooks, on its own: what receivers import from 'campaignkit'
// (src/index.ts), without the delivery code (webhooks.ts) and the Node.js types it names.

/**
 * The `X-Campaignkit-Signature` header: `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, with
 * the `X-Campaignkit-Timestamp` value (Unix seconds). Signing the time too lets a receiver refuse a
 * captured request sent again later (as Stripe and Slack sign theirs).
 */
export function signWebhook(body: string | Uint8Array, timestamp: number | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/**
 * For receivers: checks `X-Campaignkit-Signature` against the raw body and `X-Campaignkit-Timestamp`,
 * in constant time, and that the timestamp is within `toleranceSeconds` (default 300) of `now`.
 */
export function verifyWebhookSignature(
  body: string | Uint8Array,
  headers: { signature: string; timestamp: string },
  secret: string,
  { toleranceSeconds = 300, now = Date.now() }: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const timestamp = headers.timestamp.trim();
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(body, timestamp, secret));
  const given = Buffer.from(headers.signature.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
