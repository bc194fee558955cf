import path from 'node:path';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    // The lines went through a spill beside the journal (journal-spill.ts), removed once appended.
    expect(readdirSync(dir).filter((name) => name.endsWith('.ingest'))).toEqual([]);
  }, 60_000);

  it('refuses a row that gives a key twice (JSON.parse would keep the last without a word), and `track --data` too; nothing is written', async () => {
    const dir = copyBase();
    const contact = (await readStore(path.join(dir, 'store.json')))!.contacts[0]!.id;
    const journal = path.join(dir, 'journal.jsonl');
    const before = existsSync(journal) ? readFileSync(journal) : null;
    writeFileSync(
      path.join(dir, 'twice.jsonl'),
      [
        `{"id":"t1","event":"page.viewed","contact":"${contact}","at":"2026-10-01T10:00:00Z","data":{"url":"/a"}}`,
        `{"id":"t2","event":"page.viewed","event":"trial.started","contact":"${contact}","at":"2026-10-01T10:00:00Z","data":{"url":"/a"}}`,
        `{"id":"t3","event":"page.viewed","contact":"${contact}","at":"2026-10-01T10:00:00Z","data":{"url":"/a","url":"/b"}}`,
      ].join('\n') + '\n',
    );
    const refused = await cli(dir, 'events', 'ingest', 'twice.jsonl', '--store', 'store.json', '--now', '2026-11-01T00:00:00Z');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'twice.jsonl:2: key "event" is given twice; give each key once\n' +
        'twice.jsonl:3: key "data.url" is given twice; give each key once\n' +
        'error: 2 of 3 events are invalid; nothing was accepted. Fix them, or pass --skip-invalid to accept the rest.\n',
    );
    const tracked = await cli(dir, 'track', 'page.viewed', '--contact', contact, '--data', '{"url":"/a","url":"/b"}', '--store', 'store.json', '--now', '2026-11-01T00:00:00Z');
    expect(tracked.code).toBe(1);
    expect(tracked.stderr).toBe('error: page.viewed: key "data.url" is given twice in --data; give each key once.\n');
    expect(existsSync(journal) ? readFileSync(journal) : null).toEqual(before);
    expect(readdirSync(dir).filter((name) => name.endsWith('.ingest'))).toEqual([]);
  }, 60_000);
});
