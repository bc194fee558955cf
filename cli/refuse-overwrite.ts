import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../src/errors.ts';
import { PLAN_COMMENT_MARKER } from '../src/render/plan-markdown.ts';
import type { CliContext } from './context.ts';
import { displayPath } from './store-options.ts';

/** Above this, a file is not read whole to tell whether it is a saved plan: it is not one. */
const PLAN_READ_LIMIT = 256 * 1024 * 1024;

/**
 * An output option (`--out`, `--markdown-out`) naming an existing file that is not what the
 * command writes there — a CSV, a store, a config given by mistake — is refused before anything is
 * written; an empty file, or one of the command's own from an earlier time, is written over (QA:
 * `plan --out contacts.csv`, `--markdown-out contacts.csv`, `state export --out contacts.csv`
 * each replaced the CSV).
 */
export function refuseOverwrite(ctx: Pick<CliContext, 'cwd'>, option: string, file: string, kind: OutputKind): void {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size === 0) return;
    if (size > PLAN_READ_LIMIT) text = '';
    else text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return; // Not there (or not readable: writing it says why).
  }
  if (text.trim() === '' || OURS[kind](text)) return;
  throw new UserError(`${option} "${displayPath(ctx, file)}" is a file that is not ${WHAT[kind]}; give the ${kind === 'markdown' ? 'comment' : kind} a file of its own (${NAME[kind]}). Nothing was written.`);
}

export type OutputKind = 'plan' | 'markdown' | 'snapshot';

const WHAT: Record<OutputKind, string> = { plan: 'a saved plan', markdown: 'a plan comment', snapshot: 'a state snapshot' };
const NAME: Record<OutputKind, string> = { plan: 'plan.json', markdown: 'plan.md', snapshot: 'snapshot.json' };

const OURS: Record<OutputKind, (text: string) => boolean> = {
  // Whole: an editor or `jq -S` may have reordered its keys.
  plan: (text) => {
    try {
      const json = JSON.parse(text) as { programHash?: unknown; formatVersion?: unknown } | null;
      return typeof json === 'object' && json !== null && typeof json.programHash === 'string' && typeof json.formatVersion === 'number';
    } catch {
      return false;
    }
  },
  markdown: (text) => text.startsWith(PLAN_COMMENT_MARKER),
  // Its header line, then the snapshot member (the store itself is refused before: refuseStoreFile).
  snapshot: (text) => text.startsWith('{"format":"campaignkit-store"') && text.slice(0, 4096).includes('\n"snapshot":'),
};
