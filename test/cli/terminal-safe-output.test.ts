import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStore, writeStore } from '../../src/store/store-file.ts';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

/**
 * Contact data comes from signup forms: a name holding an escape sequence, a carriage return or a
 * bidirectional override must not act on the operator's terminal (QA: `campaign contact` turned it red).
 */
describe('contact data in terminal output', () => {
  const { cli, copyBase } = runtimeCliWorkspace();

  it('campaign contact and run --dry-run show control characters in contact fields as escapes', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const data = (await readStore(store))!;
    const contact = data.contacts[1]!;
    contact.fields = { ...contact.fields, firstName: 'Eve\r\n\u001b]0;PWNED\u0007', lastName: '\u001b[31mRED\u202e' };
    await writeStore(store, data);

    const explained = await cli(dir, 'contact', contact.id, '--store', 'store.json');
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toContain('Eve\\r\\n\\u001B]0;PWNED\\u0007 \\u001B[31mRED\\u202E');
    expect(explained.stdout).not.toMatch(/[\u001b\r\u0007\u202e]/);

    const ingested = await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json');
    expect(ingested.code, ingested.stderr).toBe(0);
    const dry = await cli(dir, 'run', '--dry-run', '--store', 'store.json', '--now', '2026-11-01T00:00:00Z', '--until', '2026-12-31T00:00:00Z', '--contact', contact.id);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Eve\\r\\n\\u001B]0;PWNED\\u0007');
    expect(dry.stdout).not.toMatch(/[\u001b\r\u0007\u202e]/);
  }, 60_000);

  /** Raw ESC, CR, BEL, a C1 control, DEL or a bidi override: what acts on a terminal. */
  const RAW = /[\u001b\r\u0007\u009b\u007f\u202e]/;

  it('error lines escape event names, contact ids, keys and CSV headers from the files they quote (QA hostile f1)', async () => {
    const dir = copyBase();
    const contact = JSON.parse(readFileSync(path.join(dir, 'events.jsonl'), 'utf8').split('\n')[0]!).contact as string;
    const rows = [
      { event: 'page.viewed\u001b]0;owned-title\u0007\u001b[2K\r', contact, data: { url: '/' } },
      { event: 'page.viewed', contact: 'x\r\u001b[2KAccepted 3 events from ev.jsonl.\u001b[8m', data: { url: '/' } },
      { event: 'page.viewed', contact, data: { url: '/' }, 'x\u001b[41m': 1 },
      { event: 'page.viewed', contact, data: { url: '/', 'x\u001b[2J\u202e': 1 } },
      { event: 'page.viewed', contact, data: { url: '/', 'a\u009b\u007f': { b: 1 } } },
    ].map((row) => JSON.stringify(row));
    writeFileSync(path.join(dir, 'ev.jsonl'), `${rows.join('\n')}\n`);
    for (const extra of [[], ['--skip-invalid']]) {
      const ingested = await cli(dir, 'events', 'ingest', 'ev.jsonl', '--store', 'store.json', ...extra);
      expect(ingested.code).toBe(1);
      expect(ingested.stderr).toContain('unknown contact "x\\r\\u001b[2KAccepted 3 events from ev.jsonl.\\u001b[8m": import it first');
      expect(ingested.stderr).toContain('unknown key "x\\u001b[41m"');
      expect(ingested.stderr.split('\n').filter((line) => line.startsWith('ev.jsonl:'))).toHaveLength(5);
      expect(ingested.stderr).not.toMatch(RAW);
    }
    // The rejects file keeps each row as it was.
    const rejected = readFileSync(path.join(dir, 'ev.rejects.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).row);
    expect(rejected).toEqual(rows);

    const tracked = await cli(dir, 'track', 'page.viewed\u001b]0;t\u0007', '--contact', contact, '--store', 'store.json');
    expect(tracked.code).toBe(1);
    expect(tracked.stderr).not.toMatch(RAW);

    writeFileSync(path.join(dir, 'c.csv'), 'id,email,\u001b[2Jfav\r\n');
    const imported = await cli(dir, 'contacts', 'import', 'c.csv', '--store', 'store.json');
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain('unknown column "\\u001b[2Jfav"');
    expect(imported.stderr).not.toMatch(RAW);

    writeFileSync(path.join(dir, 'c.json'), JSON.stringify([{ id: 'c1', 'e\u001b[2J': 1 }]));
    const json = await cli(dir, 'contacts', 'import', 'c.json', '--store', 'store.json');
    expect(json.code).toBe(1);
    expect(json.stderr).toContain('unknown key "e\\u001b[2J"');
    expect(json.stderr).not.toMatch(RAW);
  }, 60_000);

  it('a contact named on the command line and not found is quoted escaped by contact, run, enroll, contacts erase and unsubscribe', async () => {
    const dir = copyBase();
    const wanted = 'x\u001b[2J\r\u009b\u202e';
    const commands = [
      ['contact', wanted],
      ['run', '--dry-run', '--contact', wanted, '--now', '2026-11-01T00:00:00Z'],
      ['enroll', 'welcome', '--contact', wanted],
      ['contacts', 'erase', wanted],
    ];
    for (const argv of commands) {
      const run = await cli(dir, ...argv, '--store', 'store.json');
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.stderr, argv.join(' ')).toContain('No contact "x\\u001b[2J\\r\\u009B\\u202E" in the store');
      expect(run.stderr, argv.join(' ')).not.toMatch(RAW);
    }
    // Links queued by the unsubscribe page: the c= parameter is whatever the visitor sent.
    writeFileSync(path.join(dir, 'links.txt'), 'https://acme-analytics.example/unsubscribe?c=%1b%5d0%3bowned%07%1b%5b2J&t=00\n');
    const unsubscribed = await cli(dir, 'unsubscribe', '--links', 'links.txt', '--store', 'store.json');
    expect(unsubscribed.code).toBe(1);
    expect(unsubscribed.stderr).toContain('links.txt:1 (c=\\u001B]0;owned\\u0007\\u001B[2J)');
    expect(unsubscribed.stderr).not.toMatch(RAW);
  }, 60_000);

  it('campaign run and emails retry escape delivery failure reasons, which quote the recipient (QA hostile f2)', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const data = (await readStore(store))!;
    // An address that a z.string() schema let in: CR, escapes and a fake summary line.
    for (const contact of data.contacts) contact.fields.email = `${contact.id}@x.example\r\u001b[2K\u001b[1ADelivered: 1 sent, 0 failed.\u001b[8m`;
    await writeStore(store, data);
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    const run = await cli(dir, 'run', '--store', 'store.json', '--now', '2026-08-10T00:00:00Z');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\n {2}1 failed: cannot build the message: the recipient ".*\\r\\u001B\[2K/);
    expect(run.stderr).toMatch(/^warning: delivery incomplete: .*the most frequent reason: cannot build/);
    expect(run.stdout + run.stderr).not.toMatch(RAW);
    const retry = await cli(dir, 'emails', 'retry', '--failed', '--dry-run', '--store', 'store.json', '--now', '2026-08-10T00:00:00Z');
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toContain('1 of them: cannot build the message');
    expect(retry.stdout).not.toMatch(RAW);
    const erase = await cli(dir, 'contacts', 'erase', data.contacts[0]!.id, '--dry-run', '--store', 'store.json');
    expect(erase.code, erase.stderr).toBe(0);
    expect(erase.stdout).toContain(`Would erase contact ${data.contacts[0]!.id} (${data.contacts[0]!.id}@x.example\\r\\u001B[2K`);
    expect(erase.stdout + erase.stderr).not.toMatch(RAW);
  }, 60_000);
});
