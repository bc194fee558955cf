import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, realpathSync, statfsSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNCFS_SOUND } from '../../src/runtime/deliver/file-system-sync.ts';
import { outboxFileName } from '../../src/runtime/deliver/outbox-transport.ts';
import { EXAMPLE_WORKSPACE, runCli, tempDir } from '../helpers/run-cli.ts';
import {
  DirectoryEntries,
  findStrace,
  fsynced,
  renamed,
  show,
  syncedFileSystem,
  TraceIndex,
  traceNode,
  writtenData,
  writtenFile,
  type Call,
  type PendingEntry,
  type Trace,
} from '../helpers/strace-trace.ts';

/**
 * Crash durability of `events ingest`, `track` and `run`, checked on what the commands do rather
 * than on what the code says: each runs under `strace -f -y`, and the trace is checked against a
 * power cut's model — unsynced file data and directory entries not yet made durable may be lost.
 * An entry (open with O_CREAT, mkdir, link, a rename's target) is durable once its directory is
 * fsynced, or a syncfs succeeds on its file system (`sync -f`, run by the outbox's `sh` helper),
 * after it. Whatever a command reports as done (a line "Accepted …", a `sent` record in
 * deliveries.jsonl) must be durable, bytes and names, when it is reported.
 *
 * One small store (200 of the example's contacts) goes through: ingest into a fresh store (the
 * journal is created), track, a run delivering 513 emails (two batches of 250 made durable by
 * syncfs where it serves, and 13 fsynced one by one), a second run with nothing due (it still
 * compacts the journal), track again. Then a copy of the store before its first run delivers with
 * no `sh` to run the syncfs helper (PATH=/nonexistent): an fsync per file, and outbox/ is new.
 */

const CAMPAIGN = path.resolve(import.meta.dirname, '../../cli/campaign.js');
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');
const STRACE = findStrace();
const NOW = '2026-11-01T00:00:00Z';
/** 513 emails due: two full batches of 250 and one of 13 (< 16, below which files are fsynced one by one). */
const UNTIL = '2026-11-13T10:00:00Z';

let dir: string;
let cleanup = () => {};
/** The traces of the commands on the store in `store/`, in order, and of the one run on its copy. */
const traces: Record<'ingest' | 'track' | 'run' | 'rerun' | 'trackAgain' | 'fallback', Trace> = {} as never;
/** Replays of the directory entries: what each probe relied on while pending, what each command left pending. */
const entries = new Map<Trace, ReturnType<DirectoryEntries['replay']>>();
const indexes = new Map<Trace, TraceIndex>();
const index = (trace: Trace) => indexes.get(trace) ?? indexes.set(trace, new TraceIndex(trace)).get(trace)!;

const storeDir = (trace: Trace) => path.join(dir, trace === traces.fallback ? 'fallback' : 'store');

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('ck-durability-'));
  // As strace shows paths: resolved (the temporary directory may be behind a symbolic link).
  dir = realpathSync(dir);
  // The first 200 contacts of the example and their events (fixtures/ as scripts/example.sh uses it).
  const contacts = readFileSync(path.join(FIXTURES, 'contacts.csv'), 'utf8').split('\n').slice(0, 201);
  const ids = new Set(contacts.slice(1).map((line) => line.split(',')[0]));
  const events = readFileSync(path.join(FIXTURES, 'events.jsonl'), 'utf8').split('\n').filter((line) => line && ids.has(JSON.parse(line).contact));
  writeFileSync(path.join(dir, 'contacts.csv'), contacts.join('\n'));
  writeFileSync(path.join(dir, 'events.jsonl'), `${events.join('\n')}\n`);
  const store = path.join(dir, 'store');
  mkdirSync(store);
  const common = ['--workspace', EXAMPLE_WORKSPACE, '--store', path.join(store, 'store.json')];
  for (const argv of [
    ['contacts', 'import', 'contacts.csv', '--now', '2026-08-01T00:00:00Z'],
    ['plan', '--now', '2026-08-01T00:00:00Z', '--out', 'plan.json', '--no-typecheck'],
    ['apply', 'plan.json'],
  ]) {
    const result = await runCli([...argv, ...common], { cwd: dir });
    expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
  }

  const env = { ...process.env, UV_USE_IO_URING: '0', NO_COLOR: '1', CAMPAIGN_ACTOR: 'test' };
  const traced = (name: string, argv: string[], root = store, extraEnv: NodeJS.ProcessEnv = {}) =>
    traceNode(STRACE!, [CAMPAIGN, ...argv, '--workspace', EXAMPLE_WORKSPACE, '--store', path.join(root, 'store.json')], {
      name,
      cwd: dir,
      env: { ...env, ...extraEnv },
      root,
      traceFile: path.join(dir, `${name.replace(/\W+/g, '-')}.trace`),
    });
  const track = (at: string) => ['track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/pricing"}', '--at', at];
  traces.ingest = traced('ingest', ['events', 'ingest', 'events.jsonl', '--now', NOW]);
  traces.track = traced('track', track('2026-10-31T12:00:00Z'));
  const fallback = path.join(dir, 'fallback');
  cpSync(store, fallback, { recursive: true });
  traces.run = traced('run', ['run', '--now', NOW, '--until', UNTIL]);
  traces.rerun = traced('run, nothing due', ['run', '--now', UNTIL]);
  traces.trackAgain = traced('track again', track('2026-11-13T11:00:00Z'));
  // No `sh` for the syncfs helper (file-system-sync.ts spawns it by name): each file is fsynced.
  traces.fallback = traced('run without the syncfs helper', ['run', '--now', NOW, '--until', UNTIL], fallback, { PATH: '/nonexistent' });

  const names = new DirectoryEntries(store);
  for (const trace of [traces.ingest, traces.track, traces.run, traces.rerun, traces.trackAgain]) entries.set(trace, names.replay(trace, (call) => reliedOn(trace, call, store)));
  entries.set(traces.fallback, new DirectoryEntries(fallback).replay(traces.fallback, (call) => reliedOn(traces.fallback, call, fallback)));
}, 120_000);

afterAll(() => cleanup());

/** A line on the command's stdout saying events were accepted (ingest, track); esbuild's process has a stdout too. */
const isAccepted = (trace: Trace, call: Call) => call.pid === trace.pid && /^1(<|$)/.test(call.args[0] ?? '') && writtenFile(call) !== null && writtenData(call).startsWith('Accepted');

/** The keys a write to deliveries.jsonl records as `sent`. */
function sentKeys(data: string): string[] {
  const keys: string[] = [];
  for (const line of data.split('\n')) {
    try {
      const record = JSON.parse(line) as { key?: string; state?: string };
      if (record.state === 'sent' && record.key) keys.push(record.key);
    } catch {
      // Not a whole record: the checks below find a sent .eml without its record.
    }
  }
  return keys;
}

/** The names a call relies on being durable: the journal for "Accepted", the .eml for its `sent` record. */
function reliedOn(trace: Trace, call: Call, store: string): string[] {
  if (isAccepted(trace, call)) return [path.join(store, 'journal.jsonl')];
  if (writtenFile(call) === path.join(store, 'deliveries.jsonl')) return sentKeys(writtenData(call)).map((key) => path.join(store, 'outbox', outboxFileName(key)));
  return [];
}

/** Fails with the property and the first offending trace lines. */
function expectNone(findings: string[], property: string): void {
  const more = findings.length > 4 ? `\n\n… and ${findings.length - 4} more` : '';
  expect(findings.length, `${property}:\n\n${findings.slice(0, 4).join('\n\n')}${more}\n`).toBe(0);
}

function pendingLines(pending: PendingEntry[], store: string): string[] {
  const lines = pending.slice(0, 3).map((entry) => show(entry.madeBy, `${path.relative(store, entry.path)} made by [${entry.trace.command}]`));
  return pending.length > 3 ? [...lines, `    … and ${pending.length - 3} more`] : lines;
}

/** The calls between two others (after `from` returned, before `to` started). */
function between(calls: Call[] | undefined, from: Call | null, to: Call | null): Call[] {
  return (calls ?? []).filter((call) => (from === null || call.entry > from.exit) && (to === null || call.exit < to.entry));
}

const writesTo = (trace: Trace, file: string) => index(trace).writes.get(file);
const fsyncsOf = (trace: Trace, file: string) => index(trace).fsyncs.get(file);
const renamesTo = (trace: Trace, file: string) => trace.calls.filter((call) => call.name.startsWith('rename') && renamed(call, trace.cwd)?.to === file);
const lastOf = (calls: Call[]) => calls.reduce<Call | null>((last, call) => (last === null || call.exit > last.exit ? call : last), null);
/** Links giving a temporary file its name in outbox/. */
const emlLinks = (trace: Trace) => trace.calls.filter((call) => call.name.startsWith('link') && renamed(call, trace.cwd)?.to.endsWith('.eml'));

/** Checks each .eml linked by a `run`: bytes durable, then the link, then outbox/ fsynced, then its `sent` record. */
function deliveryFindings(trace: Trace): string[] {
  const store = storeDir(trace);
  const outbox = path.join(store, 'outbox');
  const findings: string[] = [];
  const records = new Map<string, Call>();
  for (const call of writesTo(trace, path.join(store, 'deliveries.jsonl')) ?? []) {
    for (const key of sentKeys(writtenData(call))) if (!records.has(outboxFileName(key))) records.set(outboxFileName(key), call);
  }
  const linked = new Set<string>();
  for (const link of emlLinks(trace)) {
    const { from: temp, to: file } = renamed(link, trace.cwd)!;
    const name = path.basename(file);
    linked.add(name);
    const fail = (what: string, ...lines: string[]) => findings.push(`[${trace.command}] ${name}: ${what}\n${lines.join('\n')}`);
    const lastWrite = lastOf(between(writesTo(trace, temp), null, link));
    if (!lastWrite) {
      fail('no write of its temporary file before the link', show(link, 'link'));
      continue;
    }
    const synced = [...between(fsyncsOf(trace, temp), lastWrite, link), ...between(index(trace).syncfs, lastWrite, link)];
    if (synced.length === 0) fail('its bytes were not made durable (fsync of the temporary file, or syncfs) between the last write and the link', show(lastWrite, 'last write'), show(link, 'link'));
    const named = between(fsyncsOf(trace, outbox), link, null)[0];
    if (!named) fail('outbox/ was not fsynced after the link', show(link, 'link'));
    const record = records.get(name);
    if (!record) fail('no `sent` record in deliveries.jsonl', show(link, 'link'));
    else if (!named || record.entry < named.exit) fail('its `sent` record was written before outbox/ was fsynced after the link', show(link, 'link'), show(record, 'record'), ...(named ? [show(named, 'fsync')] : []));
  }
  for (const [name, record] of records) if (!linked.has(name)) findings.push(`[${trace.command}] ${name}: recorded as sent but not linked by this run\n${show(record, 'record')}`);
  // The names those records rely on (the .eml, outbox/) must not be pending either.
  for (const { call, pending } of entries.get(trace)!.violations) {
    if (!isAccepted(trace, call)) findings.push(`[${trace.command}] a \`sent\` record written while a name it relies on is not durable:\n${pendingLines(pending, store).join('\n')}\n${show(call, 'record')}`);
  }
  return findings;
}

describe.runIf(STRACE !== null)('crash durability of the CLI (traced with strace)', () => {
  it('traces commands that did what the checks below rely on', () => {
    for (const trace of Object.values(traces)) expect(trace.code, `${trace.command}: ${trace.stderr}`).toBe(0);
    expect(traces.ingest.stdout).toMatch(/^Accepted 1,836 events/);
    expect(traces.track.stdout).toMatch(/^Accepted page\.viewed/);
    expect(traces.trackAgain.stdout).toMatch(/^Accepted page\.viewed/);
    for (const trace of [traces.ingest, traces.track, traces.trackAgain]) expect(trace.calls.filter((call) => isAccepted(trace, call)), trace.command).toHaveLength(1);
    // The first run delivers two full batches and a small one (fsynced file by file).
    const delivered = emlLinks(traces.run).length;
    expect(delivered).toBeGreaterThan(500);
    expect(traces.run.stdout).toContain(`Delivered: ${delivered} sent`);
    const temps = (trace: Trace) => trace.calls.filter((call) => /\/outbox\/\..*\.tmp$/.test(fsynced(call) ?? ''));
    expect(temps(traces.run).length).toBeGreaterThan(0);
    // Where the syncfs helper serves (file-system-sync.ts), the full batches use it.
    const gnuSync = spawnSync('sync', ['--version'], { encoding: 'utf8' }).stdout?.includes('GNU coreutils') ?? false;
    const [major = 0, minor = 0] = release().split(/[.-]/).map(Number);
    if (gnuSync && (major > 5 || (major === 5 && minor >= 8)) && SYNCFS_SOUND.has(Number(statfsSync(dir).type))) expect(traces.run.calls.filter((call) => syncedFileSystem(call) !== null).length).toBeGreaterThan(0);
    // The second run has nothing to deliver but compacts the journal again.
    expect(emlLinks(traces.rerun)).toHaveLength(0);
    expect(renamesTo(traces.rerun, path.join(storeDir(traces.rerun), 'journal.jsonl'))).not.toHaveLength(0);
    // Without `sh`, no syncfs: every file is fsynced, in an outbox/ that the run creates.
    const helper = (call: Call) => call.name === 'syncfs' || (call.name === 'execve' && call.ret === 0 && /\/(sh|sync)"$/.test(call.args[0] ?? ''));
    expect(traces.fallback.calls.filter(helper).map((call) => call.text)).toEqual([]);
    expect(emlLinks(traces.fallback)).toHaveLength(delivered);
    expect(traces.fallback.calls.some((call) => call.name.startsWith('mkdir') && call.ret === 0 && call.args.some((arg) => arg.endsWith('/outbox"')))).toBe(true);
  });

  it('prints "Accepted" only once the journal\'s last write is fsynced and its name is durable', () => {
    const findings: string[] = [];
    for (const trace of [traces.ingest, traces.track, traces.trackAgain]) {
      const store = storeDir(trace);
      const journal = path.join(store, 'journal.jsonl');
      for (const accepted of trace.calls.filter((call) => isAccepted(trace, call))) {
        const lastWrite = lastOf(between(writesTo(trace, journal), null, accepted));
        if (!lastWrite) findings.push(`[${trace.command}] "Accepted" with no write to journal.jsonl before it\n${show(accepted, 'stdout')}`);
        else if (between(fsyncsOf(trace, journal), lastWrite, accepted).length === 0) {
          findings.push(`[${trace.command}] journal.jsonl not fsynced between its last write and "Accepted"\n${show(lastWrite, 'last write')}\n${show(accepted, 'stdout')}`);
        }
      }
      for (const { call, pending } of entries.get(trace)!.violations) {
        findings.push(`[${trace.command}] "Accepted" while journal.jsonl or a directory above it is not durable in its directory:\n${pendingLines(pending, store).join('\n')}\n${show(call, 'stdout')}`);
      }
    }
    expectNone(findings, 'events reported accepted before the journal was durable');
  });

  it('records an .eml as sent only once its bytes, its name and outbox/ are durable', () => {
    expectNone([...deliveryFindings(traces.run), ...deliveryFindings(traces.rerun)], 'an email recorded as sent before its file was durable');
    // Every file in the outbox came through those checks.
    const outbox = path.join(storeDir(traces.run), 'outbox');
    const linked = new Set([...emlLinks(traces.run), ...emlLinks(traces.rerun)].map((call) => path.basename(renamed(call, traces.run.cwd)!.to)));
    expect(readdirSync(outbox).filter((name) => name.endsWith('.eml') && !linked.has(name))).toEqual([]);
  });

  it('records an .eml as sent only once outbox/ is durable, without the syncfs helper (an fsync per file)', () => {
    expectNone(deliveryFindings(traces.fallback), 'an email recorded as sent before its file was durable (per-file fsync fallback)');
    const outbox = path.join(storeDir(traces.fallback), 'outbox');
    expect(readdirSync(outbox).filter((name) => name.endsWith('.eml'))).toHaveLength(emlLinks(traces.fallback).length);
  });

  it('makes the snapshot durable before it compacts the journal', () => {
    const findings: string[] = [];
    for (const trace of [traces.run, traces.rerun, traces.fallback]) {
      const store = storeDir(trace);
      const fail = (what: string, ...lines: string[]) => findings.push(`[${trace.command}] ${what}\n${lines.join('\n')}`);
      const snapshots = renamesTo(trace, path.join(store, 'store.json'));
      if (snapshots.length === 0) fail('no snapshot written (rename over store.json)');
      for (const rename of snapshots) {
        const temp = renamed(rename, trace.cwd)!.from;
        if (!/^\.store\.json\..*\.tmp$/.test(path.basename(temp))) fail('store.json renamed from an unexpected file', show(rename, 'rename'));
        const lastWrite = lastOf(between(writesTo(trace, temp), null, rename));
        if (!lastWrite || between(fsyncsOf(trace, temp), lastWrite, rename).length === 0) {
          fail('the snapshot\'s temporary file was not fsynced between its last write and its rename', ...(lastWrite ? [show(lastWrite, 'last write')] : []), show(rename, 'rename'));
        }
        if (between(fsyncsOf(trace, store), rename, null).length === 0) fail('the store directory was not fsynced after the snapshot\'s rename', show(rename, 'rename'));
      }
      for (const compaction of renamesTo(trace, path.join(store, 'journal.jsonl'))) {
        const snapshot = lastOf(snapshots.filter((rename) => rename.exit < compaction.entry));
        if (!snapshot) fail('the journal was compacted before any snapshot', show(compaction, 'compaction'));
        else if (between(fsyncsOf(trace, store), snapshot, compaction).length === 0) {
          fail('the journal was compacted before the store directory was fsynced after the snapshot\'s rename', show(snapshot, 'snapshot'), show(compaction, 'compaction'));
        }
      }
    }
    expectNone(findings, 'the journal compacted before the snapshot was durable');
  });

  it('leaves no directory entry pending when a command exits', () => {
    const findings: string[] = [];
    for (const trace of Object.values(traces)) {
      const { leftAtExit } = entries.get(trace)!;
      const exit = trace.calls.find((call) => call.name === 'exit_group' && call.pid === trace.pid);
      if (leftAtExit.length > 0) findings.push(`[${trace.command}] names not durable when the command ended:\n${pendingLines(leftAtExit, storeDir(trace)).join('\n')}${exit ? `\n${show(exit, 'exit')}` : ''}`);
    }
    expectNone(findings, 'a command exited with directory entries not yet durable');
  });

  it('does no file I/O through io_uring (strace would not see it)', () => {
    const calls = Object.values(traces).flatMap((trace) => trace.calls.filter((call) => call.name.startsWith('io_uring')).map((call) => `[${trace.command}]\n${show(call)}`));
    expectNone(calls, 'io_uring used');
  });
});
