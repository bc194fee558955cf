import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileSystemErrorMessage } from '../../src/errors.ts';
import { appendEvents, appendUnsubscribes, compactJournal, pendingEventIds, readJournal } from '../../src/runtime/journal.ts';
import type { StoredEvent } from '../../src/store/types.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
/** A new temporary folder, removed after the test. */
function journalDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ck-journal-'));
  dirs.push(dir);
  return dir;
}

const event = (i: number, data: Record<string, unknown> = {}): StoredEvent => ({ id: `e${i}`, contact: `c${i % 3}`, event: 'page_view', at: `2026-11-0${1 + (i % 9)}T09:00:00.000Z`, data });

describe('the event journal', () => {
  it('appends one line per event, each the event and when it was received, and reads them back after the cursor', () => {
    const dir = journalDir();
    const journal = path.join(dir, 'events.journal');
    const first = [event(1, { url: '/pricing', "quote\"d": 'a\nb' }), event(2)];
    appendEvents(journal, first, '2026-11-23T10:00:00.000Z');
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ journal: 'campaignkit-journal' });
    // Byte for byte what JSON.stringify gives for the event with `receivedAt` last.
    expect(lines.slice(1, -1)).toEqual(first.map((e) => JSON.stringify({ ...e, receivedAt: '2026-11-23T10:00:00.000Z' })));
    // The append's commit line: readers take the events up to the last one.
    expect(lines.at(-1)).toBe('{"commit":2}');

    const read = readJournal(journal, { generation: 'none', offset: 0 });
    expect(read.events).toEqual(first);
    appendEvents(journal, [event(3)], '2026-11-23T11:00:00.000Z');
    expect(readJournal(journal, read.cursor).events).toEqual([event(3)]);
  });

  it('compacts only the generation the cursor folded: another journal of the same size keeps its events', () => {
    const dir = journalDir();
    const journal = path.join(dir, 'events.journal');
    appendEvents(journal, [event(1)], '2026-11-23T10:00:00.000Z');
    const folded = readJournal(journal, { generation: 'none', offset: 0 }).cursor;
    // Replaced meanwhile (compacted by another run, then appended to) by a journal of exactly the folded size.
    const other = path.join(dir, 'other.journal');
    appendEvents(other, [event(2)], '2026-11-23T10:00:00.000Z');
    expect(statSync(other).size).toBe(folded.offset);
    writeFileSync(journal, readFileSync(other));
    compactJournal(journal, folded);
    expect(readJournal(journal, folded).events).toEqual([event(2)]);
    // The generation it folded is compacted: an empty new one.
    writeFileSync(journal, readFileSync(other));
    const all = readJournal(journal, { generation: 'none', offset: 0 }).cursor;
    compactJournal(journal, all);
    expect(readJournal(journal, all).events).toEqual([]);
    expect(readFileSync(journal, 'utf8').split('\n')).toHaveLength(2);
  });

  it('cuts a torn last line off before appending, so the next event is not glued to it', () => {
    const dir = journalDir();
    const journal = path.join(dir, 'events.journal');
    appendEvents(journal, [event(1)], '2026-11-23T10:00:00.000Z');
    const before = readFileSync(journal, 'utf8');
    appendFileSync(journal, `{"id":"torn","contact":"c1","ev${'x'.repeat(70_000)}`);
    appendEvents(journal, [event(2)], '2026-11-23T11:00:00.000Z');
    expect(readFileSync(journal, 'utf8')).toBe(`${before}${JSON.stringify({ ...event(2), receivedAt: '2026-11-23T11:00:00.000Z' })}\n{"commit":1}\n`);
    expect(readJournal(journal, { generation: 'none', offset: 0 }).events).toEqual([event(1), event(2)]);
  });

  it('starts over with a header when even the header was torn, and keeps the journal private (0600)', () => {
    const dir = journalDir();
    const journal = path.join(dir, 'events.journal');
    writeFileSync(journal, '{"journal":"campaignkit-jou');
    appendEvents(journal, [event(1)], '2026-11-23T10:00:00.000Z');
    expect(readJournal(journal, { generation: 'none', offset: 0 }).events).toEqual([event(1)]);
    const fresh = path.join(dir, 'new.journal');
    appendEvents(fresh, [event(1)], '2026-11-23T10:00:00.000Z');
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
  });

  it.runIf(existsSync('/dev/full'))('names the journal when the disk is full (a write on an open file names no path)', () => {
    const dir = journalDir();
    const journal = path.join(dir, 'events.journal');
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    symlinkSync('/dev/full', journal);
    let error: unknown;
    try {
      appendEvents(journal, [event(1)], '2026-11-23T10:00:00.000Z');
    } catch (caught) {
      error = caught;
    }
    expect(fileSystemErrorMessage(error)).toBe(`Cannot write "${journal}" (ENOSPC): no space left on the device; free some space and run the command again.`);
  });

  it('refuses to append to a file that is not a journal, as its readers refuse it, and leaves the file as it was', () => {
    const dir = journalDir();
    for (const text of ['this is not a journal\n', 'this is not a journal either', '{"journal":"something-else","generation":"g"}\n']) {
      const journal = path.join(dir, 'events.journal');
      writeFileSync(journal, text);
      expect(() => appendEvents(journal, [event(1)], '2026-11-23T10:00:00.000Z')).toThrow(/events\.journal":1 is not a campaignkit event journal header; restore the file from a backup or move it away/);
      expect(() => appendUnsubscribes(journal, [{ id: 'u1', contact: 'c1', unsubscribe: 'link', at: '2026-11-23T10:05:00.000Z' }], '2026-11-23T10:06:00.000Z')).toThrow(/not a campaignkit event journal header/);
      expect(readFileSync(journal, 'utf8')).toBe(text);
    }
  });

  it('ignores a torn last line (never acknowledged) and names the line of a damaged one', () => {
    const dir = journalDir();
    const journal = path.join(dir, 'events.journal');
    // Multi-byte text in many events: lines are cut from blocks of bytes, never inside a character.
    const events = Array.from({ length: 3000 }, (_, i) => event(i, { note: `Müller — ${'é'.repeat(i % 50)} 日本` }));
    appendEvents(journal, events, '2026-11-23T10:00:00.000Z');
    appendFileSync(journal, '{"id":"torn","contact":"c1","ev');
    // Small blocks: many cuts, some inside multi-byte characters if lines were cut wrongly.
    const read = readJournal(journal, { generation: 'none', offset: 0 }, 1000);
    expect(read.events).toEqual(events);
    expect(readJournal(journal, { generation: 'none', offset: 0 })).toEqual(read);
    expect(read.cursor.offset).toBe(readFileSync(journal).length - '{"id":"torn","contact":"c1","ev'.length);

    appendFileSync(journal, 'ent":\n');
    expect(() => readJournal(journal, read.cursor, 1000)).toThrow(`"${journal}":3003 is not valid JSON`);
  });

  it('reads a journal of several file blocks from a cursor in the middle, lines cut across blocks, and numbers a damaged line in a later block', () => {
    const dir = journalDir();
    const journal = path.join(dir, 'events.journal');
    // About 4 MB of multi-byte lines: the 1 MB blocks end inside lines and characters alike.
    const events = Array.from({ length: 16_000 }, (_, i) => event(i, { note: `Müller — ${'é'.repeat(i % 97)} 日本 ${i}` }));
    appendEvents(journal, events.slice(0, 7000), '2026-11-23T10:00:00.000Z');
    expect(statSync(journal).size).toBeGreaterThan(1 << 20);
    const first = readJournal(journal, { generation: 'none', offset: 0 });
    expect(first.events).toEqual(events.slice(0, 7000));
    appendEvents(journal, events.slice(7000), '2026-11-23T10:00:00.000Z');
    appendFileSync(journal, '{"id":"torn","contact":"c1","ev');
    const rest = readJournal(journal, first.cursor);
    expect(rest.events).toEqual(events.slice(7000));
    expect(rest.cursor.offset).toBe(statSync(journal).size - '{"id":"torn","contact":"c1","ev'.length);
    expect(readJournal(journal, { generation: 'none', offset: 0 }).events).toEqual(events);
    // The ids after the cursor only, from every block; the torn line's is not one.
    const asked = new Set(['e5', 'e6999', 'e7000', 'e11111', 'e15999', 'torn']);
    expect([...pendingEventIds(journal, first.cursor, asked)].sort()).toEqual(['e11111', 'e15999', 'e7000']);

    // Header, 7,000 events, a commit line, 9,000 events, a commit line: the torn line completes as line 16,004.
    appendFileSync(journal, 'ent":\n');
    expect(() => readJournal(journal, first.cursor)).toThrow(`"${journal}":16004 is not valid JSON`);
  });

  it('rejects a line that is JSON but not an event, and numbers lines right after invalid UTF-8', () => {
    const dir = journalDir();
    const journal = path.join(dir, 'events.journal');
    appendEvents(journal, [event(1)], '2026-11-23T10:00:00.000Z');
    const cursor = readJournal(journal, { generation: 'none', offset: 0 }).cursor;
    const edited = (change: Record<string, unknown>) => JSON.stringify({ ...event(2), ...change });
    // Hand edits a run would otherwise fail on deep inside the engine (data.url of null, an Invalid Date).
    const lines = ['null', '[1,2]', '42', '"text"', edited({ data: null }), edited({ data: [1] }), edited({ at: 'garbage' }), edited({ at: 5 }), edited({ id: 7 }), edited({ contact: undefined }), edited({ event: null })];
    for (const [i, line] of lines.entries()) {
      const copy = path.join(dir, `copy-${i}.journal`);
      appendFileSync(copy, readFileSync(journal));
      appendFileSync(copy, `${line}\n`);
      expect(() => readJournal(copy, cursor)).toThrow(`"${copy}":4 is not an event; the journal is damaged`);
    }
    // Four bytes that are not UTF-8 (each decodes to a 3-byte U+FFFD) on line 4 (after the commit line), then a blank line 5.
    const bytes = Buffer.concat([Buffer.from('{"id":"x","contact":"c1","event":"page_view","at":"2026-11-01T09:00:00.000Z","data":{"n":"'), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from('"}}\n\n')]);
    appendFileSync(journal, bytes);
    expect(() => readJournal(journal, cursor)).toThrow(`"${journal}":5 is not valid JSON`);
  });

  it('holds unsubscribes beside events: read apart from them, committed the same way, never taken for an event whatever its name', () => {
    const dir = journalDir();
    const journal = path.join(dir, 'events.journal');
    const click = { id: 'u1', contact: 'c1', unsubscribe: 'link' as const, at: '2026-11-23T10:05:00.000Z' };
    appendEvents(journal, [event(1)], '2026-11-23T10:00:00.000Z');
    appendUnsubscribes(journal, [click], '2026-11-23T10:06:00.000Z');
    expect(readFileSync(journal, 'utf8').split('\n').slice(-3)).toEqual(['{"id":"u1","contact":"c1","unsubscribe":"link","at":"2026-11-23T10:05:00.000Z","receivedAt":"2026-11-23T10:06:00.000Z"}', '{"commit":1}', '']);
    const read = readJournal(journal, { generation: 'none', offset: 0 });
    expect(read).toMatchObject({ events: [event(1)], unsubscribes: [click] });
    expect(readJournal(journal, read.cursor)).toMatchObject({ events: [], unsubscribes: [] });
    // An append killed before its commit line: its unsubscribe is not read.
    appendFileSync(journal, `${JSON.stringify({ ...click, id: 'u2' })}\n`);
    expect(readJournal(journal, read.cursor).unsubscribes).toEqual([]);
    // A line with an event name is an event, even beside `unsubscribe`; one without a time is damage.
    const copy = path.join(dir, 'copy.journal');
    writeFileSync(copy, readFileSync(journal).subarray(0, read.cursor.offset));
    appendFileSync(copy, `${JSON.stringify({ ...click, at: 'soon' })}\n{"commit":1}\n`);
    expect(() => readJournal(copy, read.cursor)).toThrow(`"${copy}":6 is not an event; the journal is damaged`);
  });

  it('pendingEventIds finds which ids the journal holds after the cursor, reading only their ids', () => {
    const dir = journalDir();
    const journal = path.join(dir, 'events.journal');
    const ids = (...wanted: string[]) => new Set(wanted);
    expect(pendingEventIds(journal, { generation: 'none', offset: 0 }, ids('e1'))).toEqual(new Set());
    const odd = { ...event(9), id: 'quote"d\\id é' };
    appendEvents(journal, [event(1), event(2), odd], '2026-11-23T10:00:00.000Z');
    const folded = readJournal(journal, { generation: 'none', offset: 0 }).cursor;
    appendEvents(journal, [event(3)], '2026-11-23T11:00:00.000Z');
    // Another generation (the store's cursor is from before a rotation): the whole journal.
    expect(pendingEventIds(journal, { generation: 'none', offset: 0 }, ids('e1', 'e3', odd.id, 'e4'))).toEqual(ids('e1', 'e3', odd.id));
    // After the cursor: only what no run has folded.
    expect(pendingEventIds(journal, folded, ids('e1', 'e3', odd.id))).toEqual(ids('e3'));
    // A torn last line was never accepted.
    appendFileSync(journal, '{"id":"e5","contact":"c1"');
    expect(pendingEventIds(journal, folded, ids('e3', 'e5'))).toEqual(ids('e3'));
  });

  it('an append killed midway (SIGKILL) is not read, nor its ids reported, and the next append cuts it off', async () => {
    const dir = journalDir();
    const root = path.resolve(import.meta.dirname, '../..');
    const journal = path.join(dir, 'journal.jsonl');
    appendEvents(journal, [event(1)], '2026-11-23T10:00:00.000Z');
    const accepted = statSync(journal).size;
    // Killed as soon as its first write is in the file: 200k events go in 10 writes, then fsync.
    for (let attempt = 0; ; attempt++) {
      const child = spawn(process.execPath, [path.join(root, 'cli/run-ts.js'), path.join(import.meta.dirname, 'journal-append-child.ts'), journal, '200000'], { cwd: root, stdio: 'ignore' });
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => statSync(journal).size > accepted && child.kill('SIGKILL'), 1);
        child.on('exit', () => (clearInterval(poll), resolve()));
      });
      if (!readFileSync(journal, 'utf8').endsWith('{"commit":200000}\n')) break;
      // It got to its end before the kill: start again from the one accepted event.
      expect(attempt).toBeLessThan(3);
      writeFileSync(journal, readFileSync(journal).subarray(0, accepted));
    }
    // Some of it is in the file: whole writes, or (killed inside one, as the file grows a page at a
    // time) part of one, ending in a torn line. Either way none of it was committed.
    expect(statSync(journal).size).toBeGreaterThan(accepted);
    const start = { generation: 'none', offset: 0 };
    // Never reported accepted: a run does not process it, an ingest does not count its ids.
    const read = readJournal(journal, start);
    expect(read.events).toEqual([event(1)]);
    expect(read.cursor.offset).toBe(accepted);
    expect(pendingEventIds(journal, start, new Set(['e1', 'big-0', 'big-1']))).toEqual(new Set(['e1']));
    appendEvents(journal, [event(2)], '2026-11-23T13:00:00.000Z');
    expect(readJournal(journal, start).events).toEqual([event(1), event(2)]);
    expect(readFileSync(journal, 'utf8')).not.toContain('big-');
  }, 30_000);
});
