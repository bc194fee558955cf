import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../src/errors.ts';
import { canonicalJson } from '../../src/ir/canonical.ts';
import { AcceptedIds } from '../../src/runtime/accepted-ids.ts';
import { AcceptedRows } from '../../src/runtime/accepted-rows.ts';
import { FileChunks } from '../../src/store/file-chunks.ts';
import { FastEventRows } from '../../src/runtime/fast-event-rows.ts';
import { repeatedIds, validateEvent, type IngestContext, type RepeatedIds } from '../../src/runtime/ingest.ts';
import { eventLine, JournalLineBuffer } from '../../src/runtime/journal-line-buffer.ts';
import { JournalSpill } from '../../src/runtime/journal-spill.ts';
import { stopOnSignal } from '../../src/store/lock.ts';
import { mayHoldNulBytes, nulMessage, nulPath, rawNulMessage } from '../../src/text/nul-character.ts';
import { decodeUtf8OrFail, hasByteOrderMark, invalidUtf8Message, isValidUtf8, locateInvalidUtf8 } from '../../src/text/strict-utf8.ts';
import { appendLineBuffer, pendingEventIds } from '../../src/runtime/journal.ts';
import type { StoredEvent } from '../../src/store/types.ts';
import { flag, stringOption, type Command } from '../command.ts';
import { progressBar } from '../progress.ts';
import { NOW_HELP, NOW_OPTIONS, nowFor } from '../clock.ts';
import { displayPath, refuseStoreFile, sameFile, STORE_HELP, STORE_OPTIONS } from '../store-options.ts';
import { ingestContext } from './track.ts';
import { duplicateKey } from '../../src/text/duplicate-keys.ts';
import { historyIdsAmong } from '../../src/runtime/history-ids.ts';

const MAX_BYTES = 500 * 1024 * 1024;
const MAX_SHOWN = 20;

export const eventsIngest: Command = {
  name: 'events ingest',
  usage: 'FILE.jsonl [--skip-invalid [--rejects FILE]] [--store FILE]',
  help: [
    '--skip-invalid             accept the valid rows and write the invalid ones to the rejects file',
    '--rejects FILE             where --skip-invalid writes rejected rows (default FILE.rejects.jsonl)',
    NOW_HELP,
    STORE_HELP,
    '',
    'Each line: {"event": NAME, "contact": ID-or-EMAIL, "data": {…}, "at"?: ISO (default: now), "id"?: ID}; without "at" nor "id", ingesting the file again adds the event again.',
  ],
  options: { ...STORE_OPTIONS, ...NOW_OPTIONS, 'skip-invalid': { type: 'boolean' }, rejects: { type: 'string' } },
  maxPositionals: 1,
  async run(ctx, args) {
    const input = args.positionals[0];
    if (!input) throw new UserError('Missing the file: `campaign events ingest FILE.jsonl`.');
    const skipInvalid = flag(args, 'skip-invalid');
    if (!skipInvalid && stringOption(args, 'rejects') !== undefined) {
      throw new UserError('--rejects names where --skip-invalid writes the rejected rows; add --skip-invalid, or leave --rejects out.');
    }
    const file = path.resolve(ctx.cwd, input);
    const name = displayPath(ctx, file);
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new UserError(`"${name}" is not a file; give the JSONL file of events.`);
      size = stat.size;
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(`Cannot read "${name}": no such file.`);
    }
    if (size > MAX_BYTES) throw new UserError(`"${name}" is ${Math.round(size / 1048576)} MB; split it into files under ${MAX_BYTES / 1048576} MB.`);
    const now = nowFor(ctx, args);
    const { store, label, journal, context, data, historyLines } = await ingestContext(ctx, args, 'events ingest');
    const rejects = path.resolve(ctx.cwd, stringOption(args, 'rejects') ?? `${input.replace(/\.jsonl?$/, '')}.rejects.jsonl`);
    if (flag(args, 'skip-invalid')) {
      refuseStoreFile(ctx, '--rejects', rejects, store);
      if (sameFile(rejects, file)) throw new UserError(`--rejects names the file being ingested ("${name}"); write the rejected rows to another file. Nothing was written.`);
    }
    const nowIso = now.toISOString();
    // Accepted events as journal lines, built as the rows are checked, into a spill beside the
    // journal: the journal gets them only once every row is checked.
    // Ctrl-C, SIGTERM, SIGHUP: the spill (accepted rows, personal data) is removed and the command
    // says what became of the file (QA: it exited silently, leaving the spill). The append to the
    // journal runs without a pause (it is synchronous, under the journal's lock), so a signal then
    // is handled once the events are in it, never halfway. Listened for before the spill exists: a
    // signal in between killed the command silently, the spill left behind (a flaky test under load).
    let appended = false;
    let spilled: JournalLineBuffer | undefined;
    const stopped = stopOnSignal(() => {
      spilled?.discard();
      return `campaign events ingest stopped ${appended ? `after the events of ${name} were accepted` : `while checking ${name}: nothing was accepted`}.`;
    });
    let lines: JournalLineBuffer;
    try {
      lines = spilled = new JournalLineBuffer(undefined, new JournalSpill(journal));
    } catch (error) {
      stopped.dispose();
      throw error;
    }
    try {
      const errors: { line: number; text: string; error: string; raw?: string }[] = [];
      // On a terminal, a bar while the rows are checked (it draws from 5,000 lines) and a status line
      // while they are written: a 500 MB file takes about half a minute.
      const progress = progressBar(ctx.stderr, `Checking ${name}`);
      // The rows are read a block at a time (FileChunks), from the bytes (FastEventRows), decoded one
      // at a time only when they take the slow path.
      const chunks = new FileChunks(file);
      let line = 0;
      // The accepted events' ids, each with the first event that has it; of each event, its id's
      // code, its line, and where that line starts in the file (numbers: no object per row), to
      // check a repeated id against the event seen first. Both sized once, for the rows the file's
      // beginning suggests it has.
      const expectedRows = estimatedLines(file, size);
      const ids = new AcceptedIds(expectedRows);
      const accepted = new AcceptedRows(expectedRows);
      /** Accepted rows with neither "at" nor "id" (see the warning below). */
      let untimed = 0;
      const fast = new FastEventRows(context, nowIso);
      try {
        const lineCount = ctx.stderr.isTTY ? countLines(file) : 0;
        /** The event of an accepted row, read again: the fast path keeps its line, not its event. */
        const eventAt = (start: number) => (checkRow(chunks.lineAt(start), context, nowIso, true) as { event: StoredEvent }).event;
        let lastYield = performance.now();
        for (let first = true; chunks.next(); first = false) {
          // Every 50 ms, between blocks, signals are let in (stopOnSignal above): a 500 MB file takes half a minute.
          if (performance.now() - lastYield > 50) {
            await new Promise((resolve) => setImmediate(resolve));
            lastYield = performance.now();
          }
          const { bytes, offset, end } = chunks;
          // UTF-16 (a byte-order mark FF FE or FE FF): every row would be rejected for its NUL bytes.
          if (first && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
            throw new UserError(`"${name}" is UTF-16 (it starts with the byte-order mark 0x${bytes[0]!.toString(16).toUpperCase()} 0x${bytes[1]!.toString(16).toUpperCase()}); save it as UTF-8. Nothing was accepted.`);
          }
          // A file that is not UTF-8 is refused as a whole, with the line of its first invalid byte,
          // whatever rows came before it (blocks end with a newline, never inside a character);
          // with --skip-invalid, each row that is not is rejected, as any invalid row (QA).
          const utf8 = isValidUtf8(bytes.subarray(0, end));
          if (!utf8 && !skipInvalid) decodeUtf8OrFail(readFileSync(file), name);
          // One scan of each block; its rows are checked for a NUL only when it finds one.
          const nul = mayHoldNulBytes(bytes.subarray(0, end));
          for (let from = first && hasByteOrderMark(bytes) ? 3 : 0; from < end; ) {
            if (line % 1000 === 0) progress.update(line, lineCount);
            let newline = bytes.indexOf(10, from);
            if (newline < 0 || newline >= end) newline = end;
            const start = from;
            from = newline + 1;
            line += 1;
            const invalid = utf8 ? undefined : locateInvalidUtf8(bytes.subarray(start, newline));
            if (invalid) {
              // The row's bytes as they are (base64) too: the text has U+FFFD for each invalid byte.
              errors.push({ line, text: bytes.toString('utf8', start, newline), error: invalidUtf8Message(invalid), raw: bytes.toString('base64', start, newline) });
              continue;
            }
            let code: number;
            if (fast.read(bytes, start, newline, lines)) {
              code = ids.addBytes(bytes, fast.idFrom(), fast.idTo(), accepted.count);
              // An id given twice in one file: the same event again is harmless (the run keeps one), but
              // another event under the same id would be dropped without a word.
              if (ids.first >= 0 && !sameEvent(eventAt(accepted.start(ids.first)), eventAt(offset + start))) {
                // The fast path wrote its line: taken back.
                lines.dropLine();
                errors.push({ line, text: bytes.toString('utf8', start, newline), error: sameIdMessage(ids.idOf(code), accepted.line(ids.first)) });
                continue;
              }
            } else {
              const raw = bytes.toString('utf8', start, newline);
              if (raw.trim() === '') continue;
              const result = checkRow(raw, context, nowIso, nul);
              if ('error' in result) {
                errors.push({ line, text: raw, error: result.error });
                continue;
              }
              code = ids.addString(result.event.id, accepted.count);
              if (ids.first >= 0 && !sameEvent(eventAt(accepted.start(ids.first)), result.event)) {
                errors.push({ line, text: raw, error: sameIdMessage(result.event.id, accepted.line(ids.first)) });
                continue;
              }
              lines.line(eventLine(result.event, nowIso));
              if (result.untimed) untimed++;
            }
            accepted.add(code, line, offset + start);
          }
        }
      } finally {
        chunks.close();
        progress.done();
      }
      if (lines.count === 0 && errors.length === 0) throw new UserError(`"${name}" has no events.`);
      const skip = skipInvalid;
      if (errors.length > 0) {
        for (const e of errors.slice(0, MAX_SHOWN)) ctx.err(`${name}:${e.line}: ${e.error}`);
        if (errors.length > MAX_SHOWN) ctx.err(`… and ${errors.length - MAX_SHOWN} more.`);
        if (!skip) throw new UserError(`${errors.length} of ${errors.length + lines.count} events are invalid; nothing was accepted. Fix them, or pass --skip-invalid to accept the rest.`);
        try {
          writeFileSync(rejects, errors.map((e) => JSON.stringify({ line: e.line, error: e.error, row: e.text, ...(e.raw === undefined ? {} : { rowBase64: e.raw }) })).join('\n') + '\n');
        } catch (error) {
          throw new UserError(`Cannot write the rejected rows to "${displayPath(ctx, rejects)}": ${(error as Error).message}; nothing was accepted.`);
        }
        ctx.err(`Wrote ${count(errors.length, 'rejected row')} to ${displayPath(ctx, rejects)}.`);
        // Nothing valid at all: a wrong file, or a wrong encoding, not rows to skip (QA: exit 0, and CI went on).
        if (lines.count === 0) throw new UserError(`Every row of ${name} is invalid (${count(errors.length, 'row')}); nothing was accepted. Check that it is the events file, in UTF-8 JSON Lines.`);
      }
      // Before appending: the journal's events after the store's cursor are the ones accepted earlier.
      const inStore = historyLines > 0 ? await historyIdsAmong(store, ids, label) : new Set<string>();
      const repeated = repeatedIds(lines.count, () => Array.from(accepted.allCodes(), (code) => ids.idOf(code)), ids, inStore, (firstIds) => pendingEventIds(journal, data.journal, firstIds));
      if (lines.count >= 5000) progress.note(`Writing ${lines.count.toLocaleString('en-US')} events to the journal…`);
      try {
        appendLineBuffer(journal, lines);
        appended = true;
      } finally {
        progress.done();
      }
      ctx.out(acceptedLine(lines.count, repeated, `${name}${errors.length ? ` (${errors.length} rejected)` : ''}`));
      // Their id is a hash of their content with the time of this ingest: another ingest of the file
      // gives them other ids, and adds them again.
      if (untimed > 0) {
        ctx.err(`warning: ${untimed === 1 ? '1 event has' : `${untimed.toLocaleString('en-US')} events have`} neither "at" nor "id": ${untimed === 1 ? 'it takes' : 'they take'} the time of this ingest, so ingesting ${name} again would add ${untimed === 1 ? 'it' : 'them'} again. Give each event its "at" (when it happened) or an "id".`);
      }
      return 0;
    } finally {
      // Appended, or the file refused: the spill is no longer needed.
      lines.discard();
      stopped.dispose();
    }
  },
};

/**
 * `Accepted 10 events from FILE; 6 repeat the id of an event seen before (3 in the store, 2 in the
 * journal, 1 earlier in the file) and \`campaign run\` keeps one event per id, so it will process 4.`
 * The repeats are appended all the same: the run decides which event of an id counts (docs/runtime.md).
 */
function acceptedLine(accepted: number, repeated: RepeatedIds, from: string): string {
  if (accepted === 0) return `Accepted no events from ${from}.`;
  const repeats = repeated.store + repeated.journal + repeated.file;
  if (repeats === 0) return `Accepted ${count(accepted, 'event')} from ${from}; \`campaign run\` will process ${accepted === 1 ? 'it' : 'them'}.`;
  const where = [
    repeated.store ? `${repeated.store.toLocaleString('en-US')} in the store` : '',
    repeated.journal ? `${repeated.journal.toLocaleString('en-US')} in the journal` : '',
    repeated.file ? `${repeated.file.toLocaleString('en-US')} earlier in the file` : '',
  ].filter(Boolean).join(', ');
  const rule = '`campaign run` keeps one event per id';
  if (repeats === accepted) return `Accepted ${count(accepted, 'event')} from ${from}, but ${accepted === 1 ? 'it repeats' : 'each repeats'} the id of an event seen before (${where}); ${rule}, so ${accepted === 1 ? 'it adds' : 'they add'} none.`;
  const fresh = accepted - repeats;
  return `Accepted ${count(accepted, 'event')} from ${from}; ${repeats.toLocaleString('en-US')} ${repeats === 1 ? 'repeats' : 'repeat'} the id of an event seen before (${where}) and ${rule}, so it will process ${fresh.toLocaleString('en-US')}.`;
}

/**
 * About how many lines a file of `size` bytes has, from its first 64 KB: they are usually about as
 * long as the others. At most one per 32 bytes (a shorter row is not an event) and 4M: a file
 * starting with short lines then gets arrays that grow, not arrays far too large.
 */
function estimatedLines(file: string, size: number): number {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.allocUnsafe(Math.min(size, 64 * 1024));
    const read = readSync(fd, head, 0, head.length, 0);
    let lines = 0;
    for (let i = head.indexOf(10); i >= 0 && i < read; i = head.indexOf(10, i + 1)) lines += 1;
    return read > 0 ? Math.min(Math.ceil((lines * size) / read), Math.ceil(size / 32), 1 << 22) : 0;
  } finally {
    closeSync(fd);
  }
}

/** Lines in the file, a last one without a newline included (for the progress bar). */
function countLines(file: string): number {
  const chunks = new FileChunks(file);
  let count = 0;
  try {
    while (chunks.next()) {
      const { bytes, end } = chunks;
      if (bytes[end - 1] !== 10) count += 1;
      for (let i = bytes.indexOf(10); i >= 0 && i < end; i = bytes.indexOf(10, i + 1)) count += 1;
    }
  } finally {
    chunks.close();
  }
  return count;
}

/**
 * A row checked the slow way: parsed, looked at for NUL characters when the file may hold one and
 * for a key given twice, then `validateEvent`. `untimed` when it has neither "at" nor "id".
 */
function checkRow(raw: string, context: IngestContext, nowIso: string, nul: boolean): { event: StoredEvent; untimed: boolean } | { error: string } {
  let row: unknown;
  const text = raw.trim();
  try {
    row = JSON.parse(text);
  } catch {
    const rawNul = nul ? raw.indexOf('\u0000') : -1;
    return { error: rawNul >= 0 ? rawNulMessage(rawNul + 1) : 'not valid JSON' };
  }
  const withNul = nul ? nulPath(row) : undefined;
  if (withNul !== undefined) return { error: nulMessage(withNul) };
  // JSON.parse keeps the last of a key given twice: the other value would be lost without a word.
  const twice = duplicateKey(text);
  if (twice !== undefined) return { error: `key ${JSON.stringify(twice)} is given twice; give each key once` };
  const result = validateEvent(row, context, nowIso);
  if ('error' in result) return result;
  const given = row as { at?: unknown; id?: unknown };
  return { event: result.event, untimed: given.at === undefined && given.id === undefined };
}

function sameIdMessage(id: string, line: number): string {
  return `"id": ${JSON.stringify(id)} is also the id of line ${line}, a different event; give each event its own id`;
}

function sameEvent(a: StoredEvent, b: StoredEvent): boolean {
  return a.contact === b.contact && a.event === b.event && a.at === b.at && canonicalJson(a.data) === canonicalJson(b.data);
}

/** `1 event`, `1,000 events`. */
function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
