/**
 * Run as a child process by journal-concurrency.test.ts: `campaign track` argv[4] times through the
 * CLI's `main` (one process: a process per track takes 2.4 s here), in the store folder argv[2]
 * with the workspace argv[3], for the contacts argv[6] (comma-separated), ids made unique by
 * argv[5]; then one `campaign events ingest` of 5 events per contact. Prints `ACCEPTED id` for
 * each accepted event, `FAILED message` for each refused one.
 *
 * The appends are paced by the other commands, not by the clock: the test writes how many of its
 * commands completed to `commands-done`, and track i waits for min(i, 2) of them, the ingest for 2.
 * So at least two runs fold the journal in while events are still being appended, however fast
 * the appends are (a process reuses its compilation: each track takes milliseconds).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../cli/main.ts';

const [dir, workspace, countText, prefix, contactsText] = process.argv.slice(2);
const contacts = contactsText!.split(',');

async function campaign(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main({
    argv: [...argv, '--store', 'store.json', '--workspace', workspace!],
    cwd: dir!,
    env: { NO_COLOR: '1', CAMPAIGN_ACTOR: 'test' },
    stdin: process.stdin as never,
    stdout: { write: (s: string) => ((out += s), true), isTTY: false } as never,
    stderr: { write: (s: string) => ((err += s), true), isTTY: false } as never,
  });
  return { code, out, err };
}

async function othersDone(count: number): Promise<void> {
  const deadline = Date.now() + 45_000;
  const done = () => {
    try {
      return Number(readFileSync(path.join(dir!, 'commands-done'), 'utf8')) || 0;
    } catch {
      return 0;
    }
  };
  while (done() < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

for (let i = 0; i < Number(countText); i++) {
  await othersDone(Math.min(i, 2));
  // A demo request sends email (the sales hand-off), page views add score.
  const [name, data] = i % 2 === 0 ? ['demo.requested', { message: `${prefix}-${i}` }] : ['page.viewed', { url: `/pricing?${prefix}-${i}` }];
  const tracked = await campaign('track', name, '--contact', contacts[i % contacts.length]!, '--data', JSON.stringify(data));
  const id = /\((e_[0-9a-f]+)\)/.exec(tracked.out)?.[1];
  console.log(tracked.code === 0 && id ? `ACCEPTED ${id}` : `FAILED ${tracked.err.trim()}`);
}
const rows = contacts.flatMap((contact, k) => Array.from({ length: 5 }, (_, j) => ({ id: `${prefix}-ingest-${k}-${j}`, event: 'feature.used', contact, at: new Date().toISOString(), data: { feature: `${prefix}-${j}` } })));
const file = path.join(dir!, `${prefix}.jsonl`);
writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
await othersDone(2);
const ingested = await campaign('events', 'ingest', file);
for (const row of rows) console.log(ingested.code === 0 ? `ACCEPTED ${row.id}` : `FAILED ${ingested.err.trim()}`);
