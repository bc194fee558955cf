/** Re-evaluations of the contacts an item changed, at most, before the run goes on (`Engine.drainDirty`). */
export const SETTLE_PASSES = 8;

/** Why a threshold's `enroll` action enrolls: its refusals are reported (`refusedByThresholds`). */
export const THRESHOLD_CAUSE = 'enrolled by a score threshold';

/** What a run did, counted: the summary `campaign run` prints and `--format json` gives. */
export interface RunStats {
  events: number;
  duplicateEvents: number;
  emailsByCampaign: Record<string, number>;
  notificationsByTeam: Record<string, number>;
  /** Contacts notified to each team (a contact notified twice is handed over once). */
  contactsByTeam: Record<string, number>;
  deferredSends: number;
  skippedSends: Record<string, number>;
  webhooks: number;
  enrollments: number;
  /** Manual enrollments (`campaign enroll`) this run handled: entered, or refused and why. */
  manual?: ManualEnrollment[];
  /** Enrollments a score threshold's `enroll` action asked for that the campaign refused, and why (re-entry, audience…). */
  refusedByThresholds?: { contact: string; campaign: string; refused: string }[];
  /**
   * Contacts still changing after `SETTLE_PASSES` re-evaluations at one instant — journeys starting
   * one another in a loop (a tag ping-pong with `reentry: 'always'`) — left as they were then.
   */
  unsettled?: string[];
}

export interface ManualEnrollment {
  contact: string;
  campaign: string;
  by: string;
  /** The enrollment it started, or why the contact could not enter (re-entry, audience…). */
  enrollment?: string;
  refused?: string;
}

export function emptyRunStats(): RunStats {
  // Without a prototype: a count keyed "constructor" must not start from `Object`.
  const counts = () => Object.create(null) as Record<string, number>;
  return { events: 0, duplicateEvents: 0, emailsByCampaign: counts(), notificationsByTeam: counts(), contactsByTeam: counts(), deferredSends: 0, skippedSends: counts(), webhooks: 0, enrollments: 0 };
}

function byName(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Counts by name in name order: the order contacts were processed in is not a meaning. */
export function sortCounts(stats: RunStats): void {
  stats.emailsByCampaign = byName(stats.emailsByCampaign);
  stats.notificationsByTeam = byName(stats.notificationsByTeam);
  stats.contactsByTeam = byName(stats.contactsByTeam);
  stats.skippedSends = byName(stats.skippedSends);
}

/** Team and contact pairs already counted in a run's `contactsByTeam`. */
const notified = new WeakMap<RunStats, Set<string>>();

/** Counts a notification to `team` about `contact`: one more notification, and the contact once. */
export function countNotification(stats: RunStats, team: string, contact: string): void {
  stats.notificationsByTeam[team] = (stats.notificationsByTeam[team] ?? 0) + 1;
  let seen = notified.get(stats);
  if (!seen) notified.set(stats, (seen = new Set()));
  const pair = `${team}\u0000${contact}`;
  if (seen.has(pair)) return;
  seen.add(pair);
  stats.contactsByTeam[team] = (stats.contactsByTeam[team] ?? 0) + 1;
}
