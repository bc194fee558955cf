import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendEvents, appendLineBuffer, readJournal } from '../../src/runtime/journal.ts';
import { eventLine, JournalLineBuffer } from '../../src/runtime/journal-line-buffer.ts';
import { JournalSpill } from '../../src/runtime/journal-spill.ts';
import type { StoredEvent } from '../../src/store/types.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function journalDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ck-spill-'));
  dirs.push(dir);
  return dir;
}

const NOW = '2026-11-23T10:00:00.000Z';
const event = (i: number): StoredEvent => ({ id: `e${i}`, contact: `c${i % 7}`, event: 'page.viewed', at: '2026-11-01T09:00:00.000Z', data: { url: `/${'x'.repeat(i % 50)}` } });

/** Lines of `count` events into `lines`, one in ten taken back as `events ingest` does for a repeated id, and one longer than a block. */
function fill(lines: JournalLineBuffer, count: number): StoredEvent[] {
  const kept: StoredEvent[] = [];
  for (let i = 0; i < count; i++) {
    const e = i === 77 ? { ...event(i), data: { url: `/${'y'.repeat(600)}` } } : event(i);
    lines.line(eventLine(e, NOW));
    if (i % 10 === 3) lines.dropLine();
    else kept.push(e);
  }
  return kept;
}

describe('JournalSpill', () => {
  it('appends the same bytes as lines held in memory, to a new journal and after an existing one, and leaves no spill', () => {
    const dir = journalDir();
    const inMemory = path.join(dir, 'memory', 'journal.jsonl');
    const spilled = path.join(dir, 'spilled', 'journal.jsonl');
    for (const journal of [inMemory, spilled]) mkdirSync(path.dirname(journal));
    for (const round of [0, 1]) {
      const memory = new JournalLineBuffer(256);
      const expected = fill(memory, 500 + round);
      appendLineBuffer(inMemory, memory);
      const lines = new JournalLineBuffer(256, new JournalSpill(spilled));
      fill(lines, 500 + round);
      // Before the append, the journal shows none of them.
      expect(readJournal(spilled, { generation: 'none', offset: 0 }).events).toHaveLength(round === 0 ? 0 : 450);
      appendLineBuffer(spilled, lines);
      lines.discard();
      const [memoryHeader, ...memoryRest] = readFileSync(inMemory, 'utf8').split('\n');
      const [spilledHeader, ...spilledRest] = readFileSync(spilled, 'utf8').split('\n');
      expect(JSON.parse(spilledHeader!)).toMatchObject({ journal: 'campaignkit-journal', commits: true });
      expect(memoryHeader).not.toBe(spilledHeader);
      expect(spilledRest).toEqual(memoryRest);
      expect(readJournal(spilled, { generation: 'none', offset: 0 }).events.slice(-expected.length)).toEqual(expected);
      expect(readdirSync(path.dirname(spilled))).toEqual(['journal.jsonl']);
    }
  });

  it('is removed when the file is refused: the journal is left as it was', () => {
    const dir = journalDir();
    const journal = path.join(dir, 'journal.jsonl');
    appendEvents(journal, [event(1)], NOW);
    const before = readFileSync(journal);
    const lines = new JournalLineBuffer(256, new JournalSpill(journal));
    fill(lines, 300);
    expect(readdirSync(dir).filter((name) => name.endsWith('.ingest'))).toEqual([`.journal.jsonl.${process.pid}.ingest`]);
    lines.discard();
    expect(readFileSync(journal)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['journal.jsonl']);
  });

  it('removes the spill an ingest killed midway left, not one whose process still runs', () => {
    const dir = journalDir();
    const journal = path.join(dir, 'journal.jsonl');
    // A process that has ended: its pid is free (and not reused this quickly).
    const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const left = path.join(dir, `.journal.jsonl.${ended}.ingest`);
    const running = path.join(dir, `.journal.jsonl.${process.ppid}.ingest`);
    const other = path.join(dir, '.store.json.1.ingest');
    for (const file of [left, running, other]) writeFileSync(file, '{"id":"x"}\n');
    const spill = new JournalSpill(journal);
    expect(existsSync(left)).toBe(false);
    expect(existsSync(running)).toBe(true);
    expect(existsSync(other)).toBe(true);
    spill.discard();
  });
});
