import type { Program } from '../ir/types.ts';

/**
 * The contact store: one versioned JSON file (default `.campaign/store.json` in the workspace).
 * Everything the runtime knows lives here; the event journal (`journal.jsonl` beside it) holds
 * accepted events that the next `campaign run` folds in.
 *
 * Times are ISO 8601 UTC strings (`2026-11-23T09:00:00.000Z`). Collections are arrays sorted by
 * their natural key, so the same state always serializes to the same bytes.
 */

export const STORE_FORMAT = 'campaignkit-store';
export const STORE_FORMAT_VERSION = 1;

export interface StoreData {
  format: typeof STORE_FORMAT;
  formatVersion: number;
  /** Random id given when the store is created; a plan records it. */
  lineage: string;
  /**
   * Signs unsubscribe links when `$CAMPAIGN_UNSUBSCRIBE_SECRET` is not set: 32 random bytes (hex),
   * made with the store, in no state export or plan. Stores made before it have none: their links
   * are signed with the lineage, which plans show (`unsubscribeSecretOf`).
   */
  unsubscribeSecret?: string;
  /**
   * The secret `campaign secret rotate` replaced (or the lineage, for a store that had none): links
   * signed with it are honoured until `until`, so that emails already sent keep working links.
   */
  retiredUnsubscribeSecret?: { secret: string; until: string };
  /** Grows by one on every write; a plan records it. */
  serial: number;
  savedAt: string;
  /** What `campaign apply` deployed last. */
  deployed: DeployedProgram | null;
  /** The runtime's clock: everything due up to this instant has been processed (null: never run). */
  clock: string | null;
  /** How much of the event journal this snapshot has folded in. */
  journal: JournalCursor;
  /** Sorted by id. */
  contacts: ContactRecord[];
  /** Sorted by id. */
  enrollments: Enrollment[];
  /** Event history (behaviour conditions and re-scoring read it), sorted by (at, id). */
  events: StoredEvent[];
  /** Contact changes (import, erase, journey updates) that the next run still has to react to. */
  pending: PendingChange[];
  /** Every email and team notification, sorted by key. */
  outbox: OutboxMessage[];
  /** Sorted by key. */
  webhooks: WebhookDelivery[];
  /** Sorted by hash. */
  suppression: Suppression[];
  /** Appended in time order. */
  audit: AuditEntry[];
  /**
   * Set only in a state snapshot (`campaign state export`): a read-only copy without personal
   * data, for `campaign plan --state`. No command writes a store that has it.
   */
  snapshot?: SnapshotInfo;
}

export interface DeployedProgram {
  program: Program;
  hash: string;
  appliedAt: string;
  appliedBy: string;
}

export interface JournalCursor {
  /** Identity of the journal file generation (changes when the journal is rotated). */
  generation: string;
  /** Bytes of that generation already folded into this snapshot. */
  offset: number;
}

export interface ContactRecord {
  id: string;
  /** Values of the workspace's contact schema, as validated on import. */
  fields: Record<string, unknown>;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  /** Score id → state. */
  scores: Record<string, ScoreState>;
  /** Ids of the segments the contact is in, sorted. */
  segments: string[];
}

export interface ScoreState {
  /** The score as of `asOf` (floor and cap applied). */
  value: number;
  asOf: string;
  /** Rule id → its contribution as of `asOf` and its firing counters. */
  rules: Record<string, RuleState>;
  /** Points added by journey steps (`addScore`), decayed like behaviour points. */
  manual: number;
  /** Ids of the thresholds the score is at or above, and `scoreTriggerMarker`s of score triggers (crossing detection). */
  above: string[];
}

export interface RuleState {
  points: number;
  /** Lifetime firings. */
  count: number;
  /** The day (workspace time zone, YYYY-MM-DD) of `dayCount`. */
  day?: string;
  dayCount?: number;
}

export interface StoredEvent {
  /** Deterministic id: given by the producer, or the hash of its content. */
  id: string;
  contact: string;
  event: string;
  at: string;
  data: Record<string, unknown>;
}

/** Input for the next run besides events: a contact change, or a manual enrollment (`campaign enroll`). */
export interface PendingChange {
  contact: string;
  at: string;
  kind: 'created' | 'updated' | 'erased' | 'enroll';
  /** Names of the fields that changed (empty for created/erased/enroll). */
  fields: string[];
  /** `enroll`: the campaign the contact is to enter. */
  campaign?: string;
  /** `enroll`: who asked (the audit actor). */
  by?: string;
  /**
   * `erased`: the erasure removed the contact's lines from the event journal (`contacts erase`), so
   * every line of its id there was appended since: the events of whoever has the id now. Absent
   * when it could not (or a version before it did): its unprocessed events, dated up to the
   * erasure, are the erased person's and dropped.
   */
  journalErased?: true;
}

export interface Enrollment {
  /** `${campaign}/${contact}/${seq}` */
  id: string;
  campaign: string;
  contact: string;
  /** 1 for the first enrollment of this contact in this campaign, then 2, … */
  seq: number;
  status: 'active' | 'completed' | 'exited';
  /** The step the contact is at (waiting in, or about to run); null once finished. */
  step: string | null;
  /** `pending`: the step has not run yet (it runs at `wakeAt`); `waiting`: it ran and waits (timer, window, event, deferral). */
  phase: 'pending' | 'waiting';
  enteredAt: string;
  updatedAt: string;
  /** When the current step wakes up (waits, windows, timeouts, deferred sends). */
  wakeAt: string | null;
  /** Waiting for an event (wait-for-event and goal steps). */
  waitingFor?: { event: string; since: string };
  /** Split variant per split step id (stable per contact). */
  variants?: Record<string, string>;
  exitReason?: string;
  /**
   * Step id → the effect key its email, notification or webhook already has, when that is not
   * `${id}/${step}`: the step or the campaign was renamed (`apply`) after the effect was recorded.
   * The effect keeps its key, so a renamed step the contact passed before does not send again.
   */
  keys?: Record<string, string>;
  /** The last steps taken, newest last (bounded). */
  history: { at: string; step: string; outcome: string }[];
}

export interface OutboxMessage {
  /** The effect key: `${campaign}/${contact}/${enrollment seq}/${step}` (the enrollment's id, then the step) or `notify/…`; unique. */
  key: string;
  /** RFC 5322 Message-ID derived from the key. */
  messageId: string;
  kind: 'marketing' | 'transactional' | 'notification';
  contact: string;
  campaign?: string;
  step?: string;
  template?: string;
  to: string;
  subject: string;
  /** The rendered body of team notifications (emails render from their template at delivery). */
  text?: string;
  /** pending: accepted, not delivered yet; deferred: waiting for quiet hours / caps to pass. */
  status: 'pending' | 'deferred' | 'sent' | 'failed' | 'skipped' | 'unknown';
  createdAt: string;
  /** When it may be delivered (later than createdAt when deferred). */
  dueAt: string;
  /**
   * The send step's `expiresAfter`, counted from when the contact reached the step: a message
   * still not delivered then (retried after failures) is given up instead of sent late.
   */
  expiresAt?: string;
  /** When it was handed to the transport: sent, or maybe sent (`unknown`). */
  sentAt?: string;
  /** Why it was deferred, skipped or failed (or, pending, why the last delivery did not happen). */
  reason?: string;
  transport?: 'outbox' | 'smtp';
  /**
   * Pending after a temporary failure: when delivery first failed. After `RETRY_FOR` (5 days) of
   * failures the message fails for good, as mail servers give up on a message.
   */
  retryingSince?: string;
}

export interface WebhookDelivery {
  key: string;
  endpoint: string;
  contact: string;
  campaign?: string;
  step?: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  createdAt: string;
  /**
   * The contact's fields when the step ran, which the payload carries: a step after the webhook
   * (`update`) or a retry days later must not change what the receiver is told happened then.
   * Absent in deliveries recorded before it was kept (their payload has the fields at delivery).
   */
  fields?: Record<string, unknown>;
  /** Its contact was erased (`contacts erase`): kept for its key, without personal data. */
  erased?: true;
  nextAttemptAt?: string;
  lastStatus?: number;
  lastError?: string;
  deliveredAt?: string;
}

export interface Suppression {
  /** sha256 of the lower-cased, trimmed email address. */
  hash: string;
  reason: 'unsubscribed' | 'erased' | 'bounced' | 'complained' | 'manual';
  at: string;
}

export interface AuditEntry {
  at: string;
  /** `$CAMPAIGN_ACTOR`, `$GITHUB_ACTOR`, `$USER`, or "unknown". */
  actor: string;
  action: 'apply' | 'import' | 'erase' | 'run' | 'enroll' | 'migrate' | 'webhooks retry' | 'emails retry' | 'unsubscribe' | 'resubscribe' | 'secret rotate';
  programHash?: string;
  summary: string;
}

/** What a state snapshot (`campaign state export`) kept of its store; see `exportState`. */
export interface SnapshotInfo {
  exportedAt: string;
  /** Contact ids were replaced by keyed hashes (`--hash-ids`). */
  hashedIds: boolean;
  /**
   * Without `--hash-ids`: how many ids were hashed anyway because they reveal their contact's
   * address (the address itself, or `c_` + sha256 of it, the id import gives); absent when none.
   */
  revealingIdsHashed?: number;
  /** What happened to each contact field of the deployed schema (and any kept with `keepFields`). */
  fields: {
    /** Kept as they are. */
    kept: string[];
    /** Personal, but read by a condition: the value is replaced by a keyed hash (emails keep their domain). */
    hashed: string[];
    /** Dates read only as anniversaries (birthdays): the year is replaced by 2000. */
    yearRemoved: string[];
    /** Not read by any condition: left out. */
    dropped: string[];
  };
  /** The tags kept (those conditions test); other tags are left out. */
  tags: string[];
  /** Event name → the properties kept (those conditions read); other properties are left out. */
  eventProperties: Record<string, string[]>;
  /** Events accepted into the journal that no run had folded in when the snapshot was made. */
  unprocessedEvents: number;
}
