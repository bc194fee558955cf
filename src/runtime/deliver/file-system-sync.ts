import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { release } from 'node:os';
import path from 'node:path';

/**
 * File systems whose `syncfs` writes and flushes everything fsync would: ext2/3/4, XFS, btrfs.
 * Not FUSE, 9p or CIFS (their `syncfs` can succeed without reaching the server), NFS (errors
 * surface at close), overlayfs or tmpfs: there, an fsync per file.
 */
export const SYNCFS_SOUND: ReadonlySet<number> = new Set([0xef53, 0x58465342, 0x9123683e]);

/** `syncfs` reports write-back errors from Linux 5.8 on; before, it returned success regardless. */
function kernelReportsErrors(version = release()): boolean {
  const [major = 0, minor = 0] = version.split(/[.-]/).map(Number);
  return major > 5 || (major === 5 && minor >= 8);
}

/**
 * Makes everything written to a file system durable with one call: Linux's `syncfs(2)`, which
 * Node does not offer, run as GNU coreutils' `sync -f DIR` by one long-lived `sh` (a process
 * holding a large store takes ~8 ms to spawn a program; `sh` spawns `sync` in ~1 ms).
 *
 * Why: an fsync per file costs one device flush per file. Writing 250 `.eml` files and syncing the
 * file system once costs two (below): delivering 176k emails from a 100k-contact store took 34 s
 * instead of 41–45 s, with half the kernel time (`scripts/deliver-profile.ts`, on ext4).
 *
 * Each request runs `sync -f` twice: on ext4 without a journal the first writes the new inodes
 * only after its device flush, and the second flushes them — so data and inodes are durable
 * before the caller gives the files their names.
 *
 * `prepare` says whether it can be used for a directory: Linux 5.8 or later, a file system in
 * `SYNCFS_SOUND`, GNU coreutils' `sync`, and a helper that started. Otherwise, or when `sync`
 * answers `false` (a write error, a dead helper), the caller fsyncs each file. The helper never
 * keeps the process alive while idle, and it ends when its input closes (our exit, even a crash).
 */
export class FileSystemSync {
  private readonly shell: string;
  private helper: ChildProcessWithoutNullStreams | null = null;
  private broken: boolean;
  private readonly waiting: Array<(ok: boolean) => void> = [];
  private readonly sound = new Map<string, boolean>();
  private output = '';

  /**
   * `shell`: the POSIX shell that runs the helper; `kernel`: the Linux release to check instead of
   * this machine's (tests pass a shell that does not exist and an old release).
   */
  constructor(options: { shell?: string; kernel?: string } = {}) {
    this.shell = options.shell ?? 'sh';
    this.broken = process.platform !== 'linux' || !kernelReportsErrors(options.kernel);
  }

  /**
   * Whether `sync(dir)` can replace an fsync per file for files in `dir`; starts the helper (call
   * it before opening many files: spawning needs file descriptors of its own).
   */
  prepare(dir: string): boolean {
    if (this.broken || !this.soundFor(path.resolve(dir))) return false;
    return (this.helper ?? this.start()) !== null;
  }

  /** Resolves `true` once every file written to `dir`'s file system before the call is durable. */
  sync(dir: string): Promise<boolean> {
    const absolute = path.resolve(dir);
    if (!this.prepare(absolute) || /[\r\n]/.test(absolute)) return Promise.resolve(false);
    const helper = this.helper!;
    // Held while an answer is awaited (the process must not exit under a pending sync), let go when idle.
    if (this.waiting.length === 0) this.hold(true);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      helper.stdin.write(`${absolute}\n`);
    });
  }

  close(): void {
    this.broken = true;
    this.helper?.stdin.end();
    this.helper = null;
    this.settleAll(false);
  }

  private soundFor(dir: string): boolean {
    let sound = this.sound.get(dir);
    if (sound === undefined) {
      try {
        sound = SYNCFS_SOUND.has(Number(statfsSync(dir).type));
      } catch {
        sound = false;
      }
      this.sound.set(dir, sound);
    }
    return sound;
  }

  private start(): ChildProcessWithoutNullStreams | null {
    // Only GNU coreutils' `sync` is known to pass on syncfs's errors (busybox may ignore its
    // arguments and sync everything, without errors): with another, the helper exits at once.
    // One line in, one line out per request; `--` so that a directory named "-x" is not an option.
    const script = [
      'case "$(sync --version 2>/dev/null)" in *"GNU coreutils"*) ;; *) exit 0 ;; esac',
      'while IFS= read -r d; do if sync -f -- "$d" 2>/dev/null && sync -f -- "$d" 2>/dev/null; then echo ok; else echo fail; fi; done',
    ].join('\n');
    // Spawning failed, or the helper died or gave up: every request from now on gets `false`.
    const fail = () => {
      this.broken = true;
      this.helper = null;
      this.settleAll(false);
    };
    let helper: ChildProcessWithoutNullStreams;
    try {
      helper = spawn(this.shell, ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch {
      fail();
      return null;
    }
    helper.on('error', fail);
    helper.on('exit', fail);
    // Out of file descriptors (EMFILE), spawn gives a child without streams, then emits `error`.
    if (!helper.stdin || !helper.stdout || !helper.stderr) {
      fail();
      return null;
    }
    this.helper = helper;
    this.hold(false);
    helper.stdin.on('error', fail);
    helper.stdout.setEncoding('utf8');
    helper.stdout.on('data', (chunk: string) => {
      this.output += chunk;
      for (let end = this.output.indexOf('\n'); end >= 0; end = this.output.indexOf('\n')) {
        const answer = this.output.slice(0, end);
        this.output = this.output.slice(end + 1);
        this.waiting.shift()?.(answer === 'ok');
        if (this.waiting.length === 0) this.hold(false);
      }
    });
    helper.stderr.resume();
    return helper;
  }

  /** Whether the helper keeps the event loop alive. */
  private hold(on: boolean): void {
    const helper = this.helper;
    if (!helper) return;
    for (const handle of [helper, helper.stdin, helper.stdout, helper.stderr] as unknown as Array<{ ref?: () => void; unref?: () => void } | null>) {
      if (on) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  private settleAll(ok: boolean): void {
    for (const resolve of this.waiting.splice(0)) resolve(ok);
  }
}
