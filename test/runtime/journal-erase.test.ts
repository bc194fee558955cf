import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eraseFromJournal, type Person } from '../../src/runtime/journal-erase.ts';
import { appendEvents, appendUnsubscribes, readJournal } from '../../src/runtime/journal.ts';
import type { StoredEvent } from '../../src/store/types.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function journalFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ck-journal-erase-'));
  dirs.push(dir);
  return path.join(dir, 'journal.jsonl');
}

const START = { generation: 'none', offset: 0 };
const event = (i: number, contact: string, data: Record<string, unknown> = {}): StoredEvent => ({ id: `e${i}`, contact, event: 'page_view', at: `2026-11-0${1 + (i % 9)}T09:00:00.000Z`, data });
const ada: Person = { contact: 'c_ada', mentions: (line) => line.includes('"c_ada"') || line.includes('ada@example.com') };

describe('erasing a contact from the event journal', () => {
  it("rewrites the journal without the contact's unfolded lines; the next read gets everyone else's, as before", () => {
    const journal = journalFile();
    appendEvents(journal, [event(1, 'c_ada'), event(2, 'c_bob')], '2026-11-23T10:00:00.000Z');
    appendUnsubscribes(journal, [{ id: 'u1', contact: 'c_ada', unsubscribe: 'link', at: '2026-11-23T10:30:00.000Z' }], '2026-11-23T10:30:00.000Z');
    // Another contact's event that names Ada's address: kept, and counted as a mention.
    appendEvents(journal, [event(3, 'c_ada'), event(4, 'c_bob', { referrer: 'ada@example.com' })], '2026-11-23T11:00:00.000Z');
    const before = readJournal(journal, START);

    expect(eraseFromJournal(journal, START, ada, true)).toEqual({ removed: 3, mentions: 1 });
    expect(readJournal(journal, START)).toEqual(before);

    expect(eraseFromJournal(journal, START, ada, false)).toEqual({ removed: 3, mentions: 1 });
    const text = readFileSync(journal, 'utf8');
    expect(text).not.toContain('"c_ada"');
    expect(statSync(journal).mode & 0o777).toBe(0o600);
    // A new generation: the stored cursor names the old one, so it is read from its start.
    const after = readJournal(journal, before.cursor);
    expect(after.events).toEqual([event(2, 'c_bob'), event(4, 'c_bob', { referrer: 'ada@example.com' })]);
    expect(after.unsubscribes).toEqual([]);
    expect(after.cursor.generation).not.toBe(before.cursor.generation);
    // Each batch keeps its commit line, counting what is left of it; an empty batch has none.
    expect(text.trim().split('\n').filter((line) => line.startsWith('{"commit"'))).toEqual(['{"commit":1}', '{"commit":1}']);
    expect(readdirSync(path.dirname(journal))).toEqual(['journal.jsonl']);
    // Appends go on in the new generation.
    appendEvents(journal, [event(5, 'c_bob')], '2026-11-23T12:00:00.000Z');
    expect(readJournal(journal, after.cursor).events).toEqual([event(5, 'c_bob')]);
  });

  it('leaves out the lines a run has folded in already (among them the contact\'s) and keeps only what is after the cursor', () => {
    const journal = journalFile();
    appendEvents(journal, [event(1, 'c_ada'), event(2, 'c_bob')], '2026-11-23T10:00:00.000Z');
    const folded = readJournal(journal, START).cursor;
    appendEvents(journal, [event(3, 'c_bob')], '2026-11-23T11:00:00.000Z');
    // Nothing of Ada's is pending, but her folded line is still in the file: it goes.
    expect(eraseFromJournal(journal, folded, ada, false)).toEqual({ removed: 0, mentions: 0 });
    expect(readFileSync(journal, 'utf8')).not.toContain('"c_ada"');
    expect(readJournal(journal, folded).events).toEqual([event(3, 'c_bob')]);
  });

  it('changes nothing when the file holds no line of the contact', () => {
    const journal = journalFile();
    appendEvents(journal, [event(1, 'c_bob')], '2026-11-23T10:00:00.000Z');
    const bytes = readFileSync(journal);
    expect(eraseFromJournal(journal, START, ada, false)).toEqual({ removed: 0, mentions: 0 });
    expect(readFileSync(journal).equals(bytes)).toBe(true);
    expect(readdirSync(path.dirname(journal))).toEqual(['journal.jsonl']);
    expect(eraseFromJournal(path.join(path.dirname(journal), 'none.jsonl'), START, ada, false)).toEqual({ removed: 0, mentions: 0 });
  });

  it('drops what a killed append left after the last commit line, as readers do', () => {
    const journal = journalFile();
    appendEvents(journal, [event(1, 'c_ada'), event(2, 'c_bob')], '2026-11-23T10:00:00.000Z');
    // Never reported accepted: no commit line after it.
    appendFileSync(journal, `${JSON.stringify({ ...event(3, 'c_bob'), receivedAt: '2026-11-23T11:00:00.000Z' })}\n`);
    expect(readJournal(journal, START).events).toEqual([event(1, 'c_ada'), event(2, 'c_bob')]);
    expect(eraseFromJournal(journal, START, ada, false)).toEqual({ removed: 1, mentions: 0 });
    expect(readFileSync(journal, 'utf8')).not.toContain('"e3"');
    expect(readJournal(journal, START).events).toEqual([event(2, 'c_bob')]);
  });

  it('reads a journal from before commit lines as readers do (every complete line) and writes it with them', () => {
    const journal = journalFile();
    const line = (e: StoredEvent) => `${JSON.stringify({ ...e, receivedAt: '2026-11-23T10:00:00.000Z' })}\n`;
    writeFileSync(journal, `{"journal":"campaignkit-journal","generation":"old"}\n${line(event(1, 'c_ada'))}${line(event(2, 'c_bob'))}`);
    expect(eraseFromJournal(journal, START, ada, false)).toEqual({ removed: 1, mentions: 0 });
    const text = readFileSync(journal, 'utf8');
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ commits: true });
    expect(text.trim().split('\n').at(-1)).toBe('{"commit":1}');
    expect(readJournal(journal, START).events).toEqual([event(2, 'c_bob')]);
  });

  it('refuses a file that is not a journal in one line, changing nothing', () => {
    const journal = journalFile();
    writeFileSync(journal, '{"contact":"c_ada","event":"page_view"}\n');
    expect(() => eraseFromJournal(journal, START, ada, false)).toThrow(`"${journal}":1 is not a campaignkit event journal header`);
    expect(readFileSync(journal, 'utf8')).toBe('{"contact":"c_ada","event":"page_view"}\n');
    expect(readdirSync(path.dirname(journal))).toEqual(['journal.jsonl']);
  });
});
