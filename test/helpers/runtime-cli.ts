import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { main } from '../../cli/main.ts';
import { hashProgram } from '../../src/ir/canonical.ts';
import { readStore, writeStore } from '../../src/store/index.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

type Cli = (cwd: string, ...argv: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

/**
 * The base store of this worker process, made once in the run's folder (global-setup.ts) and
 * copied by each file: the files a worker runs one after another (isolate: false) share the
 * import and the apply, as the tests of a file share the file's copy.
 */
let workerBase: Promise<string> | undefined;

/** The first 200 fixture contacts imported and the program applied; their events in `events.jsonl`. */
async function makeBase(cli: Cli): Promise<string> {
  const base = path.join(inject('suiteFolder'), `runtime-base-${process.pid}`);
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base);
  const contacts = readFileSync(path.join(ROOT, 'fixtures/contacts.csv'), 'utf8').split('\n');
  writeFileSync(path.join(base, 'contacts.csv'), contacts.slice(0, 201).join('\n'));
  const ids = new Set(contacts.slice(1, 201).map((line) => line.split(',')[0]));
  const events = readFileSync(path.join(ROOT, 'fixtures/events.jsonl'), 'utf8').split('\n').filter((line) => line && ids.has(JSON.parse(line).contact));
  writeFileSync(path.join(base, 'events.jsonl'), `${events.join('\n')}\n`);
  expect((await cli(base, 'contacts', 'import', 'contacts.csv', '--store', 'store.json', '--now', '2026-08-01T00:00:00Z')).code).toBe(0);
  const applied = await cli(base, 'apply', '--auto-approve', '--store', 'store.json', '--now', '2026-08-01T00:00:00Z');
  expect(applied.code, applied.stderr).toBe(0);
  return base;
}

/**
 * The CLI in-process on the example workspace, with a small store (makeBase) copied for each test
 * file from the worker's, and into a new directory per test (`copyBase`), or a state prepared from it once per file and
 * copied per test (`copyPrepared`). Registers the file's `beforeAll`/`afterEach`/`afterAll`.
 */
export function runtimeCliWorkspace() {
  let base = '';
  const dirs: string[] = [];
  const prepared = new Map<string, Promise<string>>();

  /** `stderrTTY`: stderr claims to be a terminal (progress is drawn there). */
  async function cliOn({ env, stderrTTY }: { env: Record<string, string>; stderrTTY: boolean }, cwd: string, ...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main({
      argv: [...argv, '--workspace', path.join(ROOT, 'campaigns')],
      cwd,
      env: { NO_COLOR: '1', CAMPAIGN_ACTOR: 'test', ...env },
      stdin: Object.assign(process.stdin, {}) as never,
      stdout: { write: (s: string) => ((stdout += s), true), isTTY: false } as never,
      stderr: { write: (s: string) => ((stderr += s), true), isTTY: stderrTTY } as never,
    });
    return { code, stdout, stderr };
  }
  const cliWith = (env: Record<string, string>, cwd: string, ...argv: string[]) => cliOn({ env, stderrTTY: false }, cwd, ...argv);
  const cli = (cwd: string, ...argv: string[]) => cliWith({}, cwd, ...argv);

  function copyBase(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ck-runtime-'));
    dirs.push(dir);
    for (const name of readdirSync(base)) writeFileSync(path.join(dir, name), readFileSync(path.join(base, name)));
    return dir;
  }

  /**
   * A copy of a folder that `prepare` made once for this file from a copy of the base, under `key`:
   * tests that start from the same state (the example run to a date) share the work of reaching it,
   * and each changes its own copy.
   */
  async function copyPrepared(key: string, prepare: (dir: string) => Promise<void>): Promise<string> {
    let source = prepared.get(key);
    if (!source) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ck-runtime-prepared-'));
      cpSync(base, dir, { recursive: true });
      source = prepare(dir).then(() => dir);
      prepared.set(key, source);
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ck-runtime-'));
    dirs.push(dir);
    cpSync(await source, dir, { recursive: true });
    return dir;
  }

  /**
   * A copy of the base store with the example's events ingested, whose deployed CRM webhook
   * endpoint is `receiver` (with `retries` when given): a folder holding `store.json`.
   */
  async function storeWithReceiver(receiver: Server, options: { retries?: number; now?: string } = {}): Promise<string> {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const ingested = await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json', ...(options.now ? ['--now', options.now] : []));
    expect(ingested.code, ingested.stderr).toBe(0);
    const data = (await readStore(store))!;
    const crm = data.deployed!.program.settings.webhooks.crm!;
    crm.url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    if (options.retries !== undefined) crm.retries = options.retries;
    // As apply would deploy it: a program that does not match its hash is refused on read.
    data.deployed!.hash = hashProgram(data.deployed!.program);
    await writeStore(store, data);
    return dir;
  }

  beforeAll(async () => {
    workerBase ??= makeBase(cli);
    const made = await workerBase;
    base = mkdtempSync(path.join(os.tmpdir(), 'ck-runtime-base-'));
    dirs.push(base);
    cpSync(made, base, { recursive: true });
  }, 60_000);

  afterEach(() => {
    while (dirs.length > 1) rmSync(dirs.pop()!, { recursive: true, force: true });
  });

  afterAll(async () => {
    for (const source of prepared.values()) rmSync(await source, { recursive: true, force: true });
    // The file's base (`dirs[0]`): each test's folders are removed after it.
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  return { cli, cliWith, cliOn, copyBase, copyPrepared, storeWithReceiver };
}
