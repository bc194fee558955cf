import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readStore } from '../../src/store/index.ts';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { cli, copyBase } = runtimeCliWorkspace();

describe('campaign events ingest', () => {
  it('warns that events with neither "at" nor "id" would be added again by another ingest of the file (QA: the docs said a second ingest does nothing)', async () => {
    const dir = copyBase();
    const contact = (await readStore(path.join(dir, 'store.json')))!.contacts[0]!.id;
    const rows = [
      { event: 'page.viewed', contact, data: { url: '/pricing' } },
      { event: 'page.viewed', contact, data: { url: '/docs' }, at: '2026-10-01T10:00:00Z' },
      { event: 'page.viewed', contact, data: { url: '/blog' }, id: 'blog-1' },
    ];
    writeFileSync(path.join(dir, 'mixed.jsonl'), `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
    const first = await cli(dir, 'events', 'ingest', 'mixed.jsonl', '--store', 'store.json', '--now', '2026-11-01T00:00:00Z');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('warning: 1 event has neither "at" nor "id": it takes the time of this ingest, so ingesting mixed.jsonl again would add it again. Give each event its "at" (when it happened) or an "id".\n');
    // What the warning says: the other two repeat their ids, that one does not.
    const second = await cli(dir, 'events', 'ingest', 'mixed.jsonl', '--store', 'store.json', '--now', '2026-11-01T00:05:00Z');
    expect(second.stdout).toMatch(/^Accepted 3 events from mixed\.jsonl; 2 repeat the id of an event seen before \(2 in the journal\).*so it will process 1\.$/m);
  }, 60_000);
});
