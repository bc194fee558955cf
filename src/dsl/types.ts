/** Small types the authoring API shares. */

/** `30m`, `36h`, `2d`, `1w`, or ISO 8601 such as `P2DT3H`. */
export type DurationText = `${number}${'s' | 'm' | 'h' | 'd' | 'w'}` | `P${string}`;
/** A wall-clock time `HH:MM` in the contact's time zone. */
export type TimeText = `${number}:${number}`;
export type WeekdayName = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Fields every step builder accepts. */
export interface StepOptions {
  /** The id this step had before; contacts waiting in it stay in place on apply. */
  renamedFrom?: string;
  /** A human label for plans and the terminal UI. */
  label?: string;
}

/** Options of a `send` step. */
export interface SendOptions extends StepOptions {
  /**
   * How long after the contact reaches the step the email may still go out. An email deferred
   * (quiet hours, sending window, frequency cap) or retried after delivery failures past this is
   * not sent: a "the webinar starts in one hour" reminder is worse than none a day late.
   * Without it, a deferred email waits as long as it takes, and delivery retries for 5 days.
   */
  expiresAfter?: DurationText;
}
