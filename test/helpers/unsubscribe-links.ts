import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { runtimeCliWorkspace } from './runtime-cli.ts';

/**
 * A copy of the base store, its events ingested and run up to `at` (emails delivered to `outbox/`).
 * The run is done once per test file and instant; each call gets its own copy of the result.
 */
export async function ranTo({ cli, copyPrepared }: ReturnType<typeof runtimeCliWorkspace>, at: string): Promise<string> {
  return copyPrepared(`ran to ${at}`, async (dir) => {
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json', '--now', at)).code).toBe(0);
    const run = await cli(dir, 'run', '--now', at, '--store', 'store.json');
    expect(run.code, run.stderr).toBe(0);
  });
}

/** The HTTPS unsubscribe links of the List-Unsubscribe headers of the `.eml` files in `dir/outbox`, by file name. */
export function unsubscribeLinks(dir: string): Map<string, URL> {
  const links = new Map<string, URL>();
  for (const name of readdirSync(path.join(dir, 'outbox')).sort()) {
    const text = readFileSync(path.join(dir, 'outbox', name), 'latin1').replace(/\r?\n[ \t]+/g, ' ');
    const link = /^List-Unsubscribe: <(https:[^>]+)>/m.exec(text)?.[1];
    if (link) links.set(name, new URL(link));
  }
  return links;
}

/** The unsubscribe link of one of the contact's delivered emails. */
export function linkFor(dir: string, contact: string): string {
  for (const link of unsubscribeLinks(dir).values()) if (link.searchParams.get('c') === contact) return link.href;
  throw new Error(`no email with an unsubscribe link for ${contact}`);
}
