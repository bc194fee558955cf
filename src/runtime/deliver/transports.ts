import type { OutboxMessage } from '../../store/types.ts';
import type { ComposedMail } from './compose.ts';

export type TransportName = NonNullable<OutboxMessage['transport']>;

/**
 * What a transport knows after trying one message:
 * - `sent`: delivered (`alreadyDelivered`: an earlier run had delivered it; nothing was done now);
 * - `failed`: certainly not delivered (the server refused it, or it never got the message);
 * - `retry`: certainly not delivered, for a reason that may pass (the server cannot be reached,
 *   refuses the login, or answers with a temporary 4xx code): the message stays pending for a
 *   later run. `stop`: the server itself is unavailable, so this run tries no further message;
 * - `unknown`: maybe delivered (the connection broke after the message was handed over). Such a
 *   message is never retried: at-most-once.
 */
export type SendResult =
  | { status: 'sent'; alreadyDelivered: boolean; detail?: string }
  /** `bounced`: the server said the mailbox does not exist (a hard bounce): the address is suppressed. */
  | { status: 'failed'; error: string; bounced?: boolean }
  /**
   * `stop`: the server is unavailable, no more messages are tried; `rest`: what the untried ones
   * record (default: `error`); `again`: the transport can take this message once more at once (on
   * a new connection: a per-connection limit), after its refusal is recorded.
   */
  | { status: 'retry'; error: string; stop: boolean; rest?: string; again?: true }
  /** `stop`: the server stopped answering (a timeout): the run tries no more messages. */
  | { status: 'unknown'; error: string; stop?: boolean; rest?: string };

export interface Transport {
  readonly name: TransportName;
  /**
   * Whether sending the same message twice has no second effect (the outbox: the file is there
   * already). When false (SMTP), delivery journals an `attempt` durably before every send.
   */
  readonly idempotent: boolean;
  /** The directory whose `.eml` files prove delivery (the outbox transport). */
  readonly outboxDir?: string;
  /**
   * `beforeData`, for a transport that `announcesData`: called, and awaited, once the message can
   * go out and before any byte of it that could deliver it is handed over (SMTP: the server said 354
   * to DATA). Delivery journals the `attempt` there.
   */
  send(mail: ComposedMail, beforeData?: () => Promise<void>): Promise<SendResult>;
  /**
   * Whether `send` calls `beforeData`: the `attempt` then goes on disk at the last moment, and a crash
   * before it leaves the message pending (the server got no message), not `unknown`. Otherwise
   * delivery journals it before `send`.
   */
  readonly announcesData?: boolean;
  /**
   * Makes the transport ready to send `mail` — for SMTP, a connection open and answering — or says
   * why it cannot (the result `send` would give). Delivery calls it before it journals the message's
   * `attempt`: a crash while connecting then leaves the message pending, not `unknown`.
   */
  ready?(mail: ComposedMail): Promise<SendResult | null>;
  /**
   * Delivers several messages at once; the results are in the order of `mails`. Only for an
   * idempotent transport: each result is final and durable when the promise resolves.
   */
  sendBatch?(mails: readonly ComposedMail[]): Promise<SendResult[]>;
  close?(): Promise<void>;
}
