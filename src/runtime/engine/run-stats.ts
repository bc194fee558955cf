/** What a run did, counted: the summary `campaign run` prints and `--format json` gives. */
export interface RunStats {
  events: number;
  duplicateEvents: number;
  emailsByCampaign: Record<string, number>;
  notificationsByTeam: Record<string, number>;
  deferredSends: number;
  skippedSends: Record<string, number>;
  webhooks: number;
  enrollments: number;
  /** Manual enrollments (`campaign enroll`) this run handled: entered, or refused and why. */
  manual?: ManualEnrollment[];
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
  return { events: 0, duplicateEvents: 0, emailsByCampaign: counts(), notificationsByTeam: counts(), deferredSends: 0, skippedSends: counts(), webhooks: 0, enrollments: 0 };
}

function byName(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Counts by name in name order: the order contacts were processed in is not a meaning. */
export function sortCounts(stats: RunStats): void {
  stats.emailsByCampaign = byName(stats.emailsByCampaign);
  stats.notificationsByTeam = byName(stats.notificationsByTeam);
  stats.skippedSends = byName(stats.skippedSends);
}
