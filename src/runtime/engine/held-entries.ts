import type { Campaign } from '../../ir/types.ts';

interface Entry {
  campaign: Campaign;
  contactId: string;
  cause: string;
}

/**
 * Entries into journeys that wait until the refresh under way (`refreshView`) has settled the
 * contact's segments. A score trigger fires while thresholds are checked, before the segments are
 * evaluated, and the journey's first steps read the memberships (QA: a branch on a segment of the
 * score read it from before the crossing). Segment triggers wait for all the segments too.
 * One list for all refreshes, those nested in another's last: no allocation per refresh.
 */
export class HeldEntries {
  /** How many refreshes are settling a contact: entries are held while one is. */
  private depth = 0;
  private readonly entries: Entry[] = [];

  /** A refresh starts settling: returns where its entries will start (`release`). */
  start(): number {
    this.depth += 1;
    return this.entries.length;
  }

  /** The refresh stops settling (in a `finally`): `release` its entries next. */
  stop(): void {
    this.depth -= 1;
  }

  /** Holds the entry if a refresh is settling (true), else leaves it to the caller (false). */
  hold(campaign: Campaign, contactId: string, cause: string): boolean {
    if (this.depth === 0) return false;
    this.entries.push({ campaign, contactId, cause });
    return true;
  }

  /** The entries held since `from`, removed: the refresh that started there enrolls them now. */
  release(from: number): readonly Entry[] {
    return this.entries.length === from ? NONE : this.entries.splice(from);
  }
}

const NONE: readonly Entry[] = [];
