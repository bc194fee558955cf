import type { Segment } from '../ir/types.ts';
import { Examples } from './examples.ts';
import type { EntityPair } from './match-entities.ts';
import type { ImpactChange, SegmentImpact } from './plan-types.ts';

/**
 * Accumulates the membership of one segment under the deployed program (by its deployed id) and
 * under the new one. A new segment has no "before", a deleted one no "after".
 */
export class SegmentTally {
  /** The id under the new program (the deployed id for a deleted segment). */
  readonly id: string;
  /** The deployed id (null: new segment). */
  readonly beforeId: string | null;
  /** The id under the new program (null: deleted). */
  readonly afterId: string | null;
  before = 0;
  after = 0;
  readonly entering = new Examples();
  readonly leaving = new Examples();

  constructor(
    pair: EntityPair<Segment>,
    readonly change: ImpactChange,
  ) {
    this.beforeId = pair.before?.id ?? null;
    this.afterId = pair.after?.id ?? null;
    this.id = (this.afterId ?? this.beforeId)!;
  }

  /** Records one contact; returns +1 when it enters, -1 when it leaves, 0 otherwise. */
  add(contact: string, wasMember: boolean, isMember: boolean): -1 | 0 | 1 {
    if (wasMember) this.before++;
    if (isMember) this.after++;
    if (this.beforeId === null || this.afterId === null || wasMember === isMember) return 0;
    if (isMember) {
      this.entering.add(contact);
      return 1;
    }
    this.leaving.add(contact);
    return -1;
  }

  /** Is there anything to show (a changed definition or a changed membership)? */
  get relevant(): boolean {
    return this.change !== 'none' || this.entering.count > 0 || this.leaving.count > 0;
  }

  result(): SegmentImpact {
    const out: SegmentImpact = {
      segment: this.id,
      change: this.change,
      before: this.beforeId === null ? null : this.before,
      after: this.afterId === null ? null : this.after,
      entering: this.entering.count,
      leaving: this.leaving.count,
      examples: { entering: this.entering.ids, leaving: this.leaving.ids },
    };
    if (this.beforeId !== null && this.afterId !== null && this.beforeId !== this.afterId) out.from = this.beforeId;
    return out;
  }
}
