import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Runs a CLI command under `strace -f -y` and reads the trace back, for tests of crash durability:
 * which bytes and which directory entries were made durable (fsync, syncfs) before the command
 * said something was done.
 */

/** The system calls traced: file writes, syncs, directory changes, and processes. */
const SYSCALLS = 'openat,write,pwrite64,writev,fsync,fdatasync,syncfs,rename,renameat,renameat2,link,linkat,unlink,unlinkat,mkdir,mkdirat,close,execve,exit_group,io_uring_setup';

/**
 * `strace`'s absolute path, or null: not Linux, not installed, or not allowed to trace (a container
 * without ptrace). Absolute: a test may run it with a PATH where nothing is found.
 */
export function findStrace(): string | null {
  if (process.platform !== 'linux') return null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'strace');
    if (dir && existsSync(candidate)) return spawnSync(candidate, ['-f', '-o', '/dev/null', process.execPath, '-e', '0']).status === 0 ? candidate : null;
  }
  return null;
}

/** One system call. A call interrupted by another task's line (`<unfinished ...>`) is merged with its `<... resumed>` line. */
export interface Call {
  pid: number;
  name: string;
  /** Top-level arguments as strace prints them (`3</dir/file>`, `"a string"`, `O_WRONLY|O_CREAT`). */
  args: string[];
  /** null for `?` (a call that does not return: exit_group, a successful execve in a thread). */
  ret: number | null;
  /** The -y decoration of a returned descriptor (openat): its absolute path. */
  retPath: string | null;
  /** Lines (1-based) where the call starts and where it returns: "A before B" is A.exit < B.entry. */
  entry: number;
  exit: number;
  /** The call as one line, for failure messages. */
  text: string;
}

export interface Trace {
  /** The test's name for the command, for messages. */
  command: string;
  calls: Call[];
  /** The command's process (its main thread), as opposed to its threads and children (esbuild, the syncfs helper). */
  pid: number;
  /** The directory the command ran in (relative paths without a -y decoration resolve against it). */
  cwd: string;
  /** Every path under the observed root before the command ran (names assumed durable). */
  before: Set<string>;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node ARGS` (node by absolute path: `env` may have no PATH) under strace with `cwd`, after
 * listing `root` (the tree whose directory entries the test follows).
 */
export function traceNode(strace: string, args: string[], options: { name: string; cwd: string; env: NodeJS.ProcessEnv; root: string; traceFile: string }): Trace {
  const before = listTree(options.root);
  const result = spawnSync(strace, ['-f', '-tt', '-y', '-s', '65536', '-o', options.traceFile, '-e', `trace=${SYSCALLS}`, process.execPath, ...args], {
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.error) throw result.error;
  const calls = parseTrace(readFileSync(options.traceFile, 'utf8'));
  return {
    command: options.name,
    calls,
    pid: calls[0]?.pid ?? -1,
    cwd: options.cwd,
    before,
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

function listTree(root: string): Set<string> {
  const paths = new Set<string>([root]);
  for (const entry of readdirSync(root, { recursive: true })) paths.add(path.join(root, entry.toString()));
  return paths;
}

/** Lines are `PID HH:MM:SS.micros BODY` (strace -f -tt -o). */
const LINE = /^(\d+) +(\d\d:\d\d:\d\d\.\d+) (.*)$/;
const UNFINISHED = /\s*<unfinished \.\.\.>$/;
const RESUMED = /^<\.\.\. \w+ resumed>(.*)$/;

export function parseTrace(text: string): Call[] {
  const calls: Call[] = [];
  const unfinished = new Map<number, { entry: number; head: string }>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const match = LINE.exec(raw);
    if (!match) return;
    const pid = Number(match[1]);
    let body = match[3]!;
    let entry = line;
    // With several tasks, a blocking call is printed in two halves; other tasks' lines may come between.
    if (UNFINISHED.test(body)) {
      unfinished.set(pid, { entry: line, head: body.replace(UNFINISHED, '') });
      return;
    }
    const resumed = RESUMED.exec(body);
    if (resumed) {
      const head = unfinished.get(pid);
      if (!head) return;
      unfinished.delete(pid);
      body = head.head + resumed[1]!;
      entry = head.entry;
    }
    const call = parseCall(body);
    // `+++ exited with 0 +++`, `--- SIGCHLD ... ---` and the like are not calls.
    if (call) calls.push({ ...call, pid, entry, exit: line, text: `${pid} ${match[2]} ${body}` });
  });
  return calls.sort((a, b) => a.entry - b.entry);
}

function parseCall(body: string): Pick<Call, 'name' | 'args' | 'ret' | 'retPath'> | null {
  const name = /^(\w+)\(/.exec(body)?.[1];
  if (!name) return null;
  // The closing parenthesis of the call: outside strings, arrays and structures.
  let depth = 0;
  let end = -1;
  for (let i = name.length; i < body.length && end < 0; i++) {
    const ch = body[i]!;
    if (ch === '"') i = endOfString(body, i);
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if ((ch === ')' || ch === ']' || ch === '}') && --depth === 0) end = i;
  }
  if (end < 0) return null;
  const result = /^\s*=\s*(-?\d+|0x[0-9a-f]+|\?)(?:<(.*)>)?/.exec(body.slice(end + 1));
  if (!result) return null;
  return { name, args: splitArgs(body.slice(name.length + 1, end)), ret: result[1] === '?' ? null : Number(result[1]), retPath: result[2] ?? null };
}

/** Index of the closing quote of the string opening at `start`. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') i = endOfString(text, i);
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      args.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  if (text.trim()) args.push(text.slice(from).trim());
  return args;
}

/** The path -y shows for a descriptor argument (`3</a/b>`, `AT_FDCWD</cwd>`), or null. */
export function fdPath(arg: string | undefined): string | null {
  return /^(?:-?\d+|AT_FDCWD)<(.*)>$/.exec(arg ?? '')?.[1] ?? null;
}

/** The bytes of a quoted string argument, decoded as UTF-8 (strace prints other bytes than printable ASCII as escapes). */
export function unquote(arg: string): string {
  const body = arg.startsWith('"') ? arg.slice(1, endOfString(arg, 0)) : '';
  if (!body.includes('\\')) return body;
  const binary = body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, escape: string) => {
    if (escape[0] === 'x') return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (/^[0-7]/.test(escape)) return String.fromCharCode(parseInt(escape, 8));
    return ESCAPES[escape] ?? escape;
  });
  return Buffer.from(binary, 'latin1').toString('utf8');
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', v: '\v', f: '\f', a: '\x07', b: '\b', e: '\x1b' };

/**
 * A path argument made absolute: against its directory descriptor's decoration for the *at calls
 * (`AT_FDCWD</cwd>` with strace ≥ 5.x; a bare `AT_FDCWD` with older ones) or the command's cwd.
 */
function pathArg(call: Call, cwd: string, index: number, dirIndex?: number): string {
  const dir = dirIndex === undefined ? null : fdPath(call.args[dirIndex]);
  return path.resolve(dir ?? cwd, unquote(call.args[index]!));
}

const ok = (call: Call) => call.ret !== null && call.ret >= 0;

/** The file a successful write (write, pwrite64, writev) wrote to. */
export function writtenFile(call: Call): string | null {
  return ['write', 'pwrite64', 'writev'].includes(call.name) && ok(call) ? fdPath(call.args[0]) : null;
}

/** The bytes a successful write wrote (decoded once: a snapshot's writes are megabytes). */
export function writtenData(call: Call): string {
  let data = decoded.get(call);
  if (data === undefined) {
    // writev: the iov_base strings of the second argument, in order.
    data = call.name === 'writev' ? [...call.args[1]!.matchAll(/iov_base=("(?:[^"\\]|\\.)*")/g)].map((m) => unquote(m[1]!)).join('') : unquote(call.args[1] ?? '');
    decoded.set(call, data);
  }
  return data;
}

const decoded = new WeakMap<Call, string>();

/** Calls by the file they write or fsync, and the syncfs calls: the checks look up thousands of files. */
export class TraceIndex {
  readonly writes = new Map<string, Call[]>();
  readonly fsyncs = new Map<string, Call[]>();
  readonly syncfs: Call[] = [];

  constructor(trace: Trace) {
    const add = (map: Map<string, Call[]>, key: string, call: Call) => {
      const calls = map.get(key);
      if (calls) calls.push(call);
      else map.set(key, [call]);
    };
    for (const call of trace.calls) {
      const file = writtenFile(call);
      if (file !== null) add(this.writes, file, call);
      const synced = fsynced(call);
      if (synced !== null) add(this.fsyncs, synced, call);
      if (syncedFileSystem(call) !== null) this.syncfs.push(call);
    }
  }
}

/** What a successful fsync or fdatasync made durable: the data of this file or, for a directory, its entries. */
export function fsynced(call: Call): string | null {
  return (call.name === 'fsync' || call.name === 'fdatasync') && call.ret === 0 ? fdPath(call.args[0]) : null;
}

/** A successful syncfs: a path on the file system it made durable. */
export function syncedFileSystem(call: Call): string | null {
  return call.name === 'syncfs' && call.ret === 0 ? fdPath(call.args[0]) : null;
}

/** A successful rename or link: source and the new name. */
export function renamed(call: Call, cwd: string): { from: string; to: string } | null {
  if (!ok(call)) return null;
  if (call.name === 'rename' || call.name === 'link') return { from: pathArg(call, cwd, 0), to: pathArg(call, cwd, 1) };
  if (['renameat', 'renameat2', 'linkat'].includes(call.name)) return { from: pathArg(call, cwd, 1, 0), to: pathArg(call, cwd, 3, 2) };
  return null;
}

/** A successful mkdir, or an openat with O_CREAT: the path (which may have existed already, for openat). */
export function createdOrOpened(call: Call, cwd: string): string | null {
  if (!ok(call)) return null;
  if (call.name === 'mkdir') return pathArg(call, cwd, 0);
  if (call.name === 'mkdirat') return pathArg(call, cwd, 1, 0);
  if (call.name === 'openat' && /\bO_CREAT\b/.test(call.args[2] ?? '')) return call.retPath ?? pathArg(call, cwd, 1, 0);
  return null;
}

export function unlinked(call: Call, cwd: string): string | null {
  if (!ok(call)) return null;
  if (call.name === 'unlink') return pathArg(call, cwd, 0);
  if (call.name === 'unlinkat') return pathArg(call, cwd, 1, 0);
  return null;
}

/** A directory entry not yet durable, and the call that made it. */
export interface PendingEntry {
  path: string;
  madeBy: Call;
  /** The command whose trace has `madeBy`. */
  trace: Trace;
}

/**
 * The directory entries under `root` that a power cut could still take away, followed across the
 * commands run one after another on one store. Model: an entry made by open(O_CREAT) of a missing
 * file, mkdir, link or a rename's target is pending until its parent directory is fsynced, or a
 * syncfs succeeds on the file system, after the call that made it; entries that existed before the
 * first command are durable.
 */
export class DirectoryEntries {
  private readonly pending = new Map<string, PendingEntry>();

  constructor(private readonly root: string) {}

  /**
   * Replays one command's trace. `probe` is asked at the start of each call which paths that call
   * relies on (e.g. the journal, for a line saying events were accepted); the answer lists the
   * pending entries among those paths and their ancestors up to `root`. Returns what was pending at
   * each probe that relied on something, and what was left pending when the command ended.
   */
  replay(trace: Trace, probe: (call: Call) => string[]): { violations: Array<{ call: Call; pending: PendingEntry[] }>; leftAtExit: PendingEntry[] } {
    const exists = new Set(trace.before);
    const violations: Array<{ call: Call; pending: PendingEntry[] }> = [];
    // A call takes effect when it returns and relies on what was durable when it started.
    const steps = trace.calls.flatMap((call) => [
      { at: call.entry, order: 0, call },
      { at: call.exit, order: 1, call },
    ]);
    steps.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const { order, call } of steps) {
      if (order === 0) {
        const pending = this.pendingAmong(probe(call));
        if (pending.length > 0) violations.push({ call, pending });
        continue;
      }
      const make = (p: string) => {
        exists.add(p);
        if (this.under(p)) this.pending.set(p, { path: p, madeBy: call, trace });
      };
      const drop = (p: string) => {
        exists.delete(p);
        this.pending.delete(p);
      };
      const created = createdOrOpened(call, trace.cwd);
      if (created !== null && (call.name !== 'openat' || !exists.has(created))) make(created);
      const moved = renamed(call, trace.cwd);
      if (moved) {
        if (call.name.startsWith('rename')) drop(moved.from);
        make(moved.to);
      }
      const removed = unlinked(call, trace.cwd);
      if (removed !== null) drop(removed);
      // Durable: what the sync covers and was made before the sync started (by this command or an earlier one).
      const dir = fsynced(call);
      const fileSystem = syncedFileSystem(call);
      if (dir === null && (fileSystem === null || !this.under(fileSystem))) continue;
      for (const [p, entry] of this.pending) {
        const before = entry.trace !== trace || entry.madeBy.exit < call.entry;
        if (before && (fileSystem !== null || path.dirname(p) === dir)) this.pending.delete(p);
      }
    }
    return { violations, leftAtExit: [...this.pending.values()] };
  }

  private under(p: string): boolean {
    return p === this.root || p.startsWith(this.root + path.sep);
  }

  /** The pending entries among `paths` and their ancestors up to the root. */
  private pendingAmong(paths: string[]): PendingEntry[] {
    const found = new Map<string, PendingEntry>();
    for (let p of paths) {
      for (; this.under(p) && p !== this.root; p = path.dirname(p)) {
        const entry = this.pending.get(p);
        if (entry) found.set(p, entry);
      }
    }
    return [...found.values()];
  }
}

/** A call for a failure message: its trace line, long strings cut. */
export function show(call: Call, label = ''): string {
  const text = call.text.length > 300 ? `${call.text.slice(0, 240)} … ${call.text.slice(-50)}` : call.text;
  return `    ${label ? `${label}: ` : ''}${text}`;
}
