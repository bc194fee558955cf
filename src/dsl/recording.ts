import type { Cond } from '../ir/types.ts';
import { register } from './registry.ts';

/**
 * JavaScript logic does not combine recorded conditions: in `c.plan.eq('trial') && c.consent()`
 * the first condition is an object, so `&&` returns the second and the first is lost; in
 * `c.companySize ? a : b` or `!c.firstName` the field is an object too, never the contact's value.
 * Such a mistake compiles and validates, and changes who a campaign reaches. So while a condition
 * callback runs, every condition and reference (`c.plan`, `c.score('fit')`) it makes is noted
 * with a stack trace; when it returns, a condition that is not part of the condition it returned,
 * and a reference never compared, are registered with their traces. Not every one is a mistake (a
 * lookup table builds every entry and returns one): the compiler reads the source where each was
 * made to tell what threw it away, and reports JavaScript logic doing so (CK009).
 */

/** What a callback made: a condition, or a reference (`c.plan`) to compare. */
export type Made = { condition: Cond } | { reference: string };

export interface MadeRegistration {
  made: Made;
  /** Created where it was made: its stack leads the compiler to the line (read only when checked). */
  trace: Error;
  /**
   * Part of the condition the callback returned. Such a one is registered only when the
   * callback's own text has `||` or `??`: the compiler checks whether it is their left operand,
   * which makes the operator return it and never build its right one.
   */
  kept: boolean;
}

interface Entry {
  made: Made;
  trace: Error;
  /** A reference whose operator was called. */
  compared: boolean;
}

/** The callbacks running, innermost last (an event filter inside `c.did` runs inside its callback). */
const sessions: Map<object, Entry>[] = [];

/** Notes a condition made by an operator or helper of `c`. */
export function made<T extends Cond>(condition: T): T {
  sessions.at(-1)?.set(condition, { made: { condition }, trace: new Error(), compared: false });
  return condition;
}

/**
 * `ops` as a reference `c` hands out (`c.plan`, `c.score('fit')`, named `name` in messages):
 * calling one of its operators compares it and makes a condition.
 */
export function reference<T extends object>(ops: T, name: string): T {
  const session = sessions.at(-1);
  if (!session) return ops;
  const entry: Entry = { made: { reference: name }, trace: new Error(), compared: false };
  const tracked = Object.fromEntries(
    Object.entries(ops).map(([key, operator]) => [
      key,
      (...args: unknown[]) => {
        entry.compared = true;
        return made((operator as (...a: unknown[]) => Cond)(...args));
      },
    ]),
  ) as T;
  session.set(tracked, entry);
  return tracked;
}

/** `||` or `??` in a function's text (as loaded, after bundling: comments are gone). */
const SHORT_CIRCUIT = /\|\||\?\?/;

/**
 * Runs a condition callback with the `c` that `make` builds, and registers what it made and threw
 * away. A callback that throws registers nothing: the module's error says what went wrong.
 */
export function recorded<C, R>(callback: (c: C) => R, make: () => C): R {
  const session = new Map<object, Entry>();
  sessions.push(session);
  let result: R;
  try {
    result = callback(make());
  } finally {
    sessions.pop();
  }
  // A callback that returns nothing (a block body without `return`) is CK005, which says so.
  if (session.size > 0 && result !== undefined) registerMade(session, result, SHORT_CIRCUIT.test(Function.prototype.toString.call(callback)));
  return result;
}

/** Every object reachable from `value` (the returned condition, or what a lost one holds). */
function reach(value: unknown, into: Set<object>): void {
  if (typeof value !== 'object' || value === null || into.has(value)) return;
  into.add(value);
  for (const child of Array.isArray(value) ? value : Object.values(value)) reach(child, into);
}

function registerMade(session: Map<object, Entry>, result: unknown, shortCircuits: boolean): void {
  const kept = new Set<object>();
  reach(result, kept);
  const isLost = ([value, entry]: [object, Entry]) => ('reference' in entry.made ? !entry.compared : !kept.has(value));
  const lost = [...session].filter(isLost);
  // A lost `c.all(a, b)` is registered once, not with each of its operands.
  const inside = new Set<object>();
  for (const [value] of lost) for (const child of Object.values(value)) reach(child, inside);
  for (const [value, entry] of lost) {
    if (!inside.has(value)) register({ kind: 'made', value: { made: entry.made, trace: entry.trace, kept: false } });
  }
  if (!shortCircuits) return;
  for (const [value, entry] of session) {
    if ('condition' in entry.made && kept.has(value)) register({ kind: 'made', value: { made: entry.made, trace: entry.trace, kept: true } });
  }
}
