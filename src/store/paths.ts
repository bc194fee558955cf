import path from 'node:path';

/** The files that live beside a store file (all derived from its path). */
export interface StorePaths {
  store: string;
  /** `${store}.lock`: held while a command writes the store. */
  lock: string;
  /** Accepted events not folded into the store yet (`journal.jsonl` beside the store). */
  journal: string;
  /** The outbox transport's `.eml` files (`outbox/` beside the store). */
  outbox: string;
}

export function storePaths(store: string): StorePaths {
  const dir = path.dirname(store);
  return { store, lock: `${store}.lock`, journal: path.join(dir, 'journal.jsonl'), outbox: path.join(dir, 'outbox') };
}
