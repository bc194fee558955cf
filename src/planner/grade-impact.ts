import type { GradeMatrix } from '../ir/types.ts';
import { Examples } from './examples.ts';
import type { EntityPair } from './match-entities.ts';
import type { GradeImpact, ImpactChange } from './plan-types.ts';
import type { GradeTransition } from './transition-types.ts';

/**
 * Accumulates the grades of one grade matrix under the deployed program (by its deployed id) and
 * under the new one: which contacts' grade changes, and the moves (B3 → A3) by count. A new
 * matrix's grades all come from nothing (`from: null`).
 */
export class GradeTally {
  /** The id under the new program. */
  readonly id: string;
  /** The deployed id (null: new matrix). */
  readonly beforeId: string | null;
  readonly changed = new Examples();
  private readonly moves = new Map<string, { from: string | null; to: string; count: number }>();
  /** Every contact counted in `changed`, with its move (shared: one object per move, not per contact). */
  private readonly contacts: string[] = [];
  private readonly contactMoves: { from: string | null; to: string }[] = [];

  constructor(
    pair: EntityPair<GradeMatrix>,
    readonly change: ImpactChange,
  ) {
    this.beforeId = pair.before?.id ?? null;
    this.id = pair.after!.id;
  }

  /** Records one contact's grade before (null: no matrix before) and after. */
  add(contact: string, before: string | null, after: string): void {
    if (before === after) return;
    this.changed.add(contact);
    const key = `${before ?? ''}\u0000${after}`;
    let move = this.moves.get(key);
    if (move) move.count++;
    else this.moves.set(key, (move = { from: before, to: after, count: 1 }));
    this.contacts.push(contact);
    this.contactMoves.push(move);
  }

  /** Is there anything to show (a changed matrix, or grades that change with the scores they read)? */
  get relevant(): boolean {
    return this.change !== 'none' || this.changed.count > 0;
  }

  result(): GradeImpact {
    const byGrade = (a: string | null, b: string | null) => (a ?? '').localeCompare(b ?? '');
    const moves = [...this.moves.values()].sort((a, b) => b.count - a.count || byGrade(a.from, b.from) || byGrade(a.to, b.to));
    const out: GradeImpact = { matrix: this.id, change: this.change, changed: this.changed.count, examples: this.changed.ids, moves };
    if (this.beforeId !== null && this.beforeId !== this.id) out.from = this.beforeId;
    return out;
  }

  /** Each contact whose grade changes, for the lists behind the impact's count. */
  transition(): GradeTransition {
    return { matrix: this.id, contacts: this.contacts, moves: this.contactMoves };
  }
}
