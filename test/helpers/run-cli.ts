import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `campaign …` in-process with fake streams. */
export async function runCli(argv: string[], options: { cwd: string; env?: Record<string, string>; stderrTTY?: boolean }): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: options.stderrTTY ?? false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await main({
    argv,
    cwd: options.cwd,
    env: { CAMPAIGN_ACTOR: 'tester', ...options.env },
    stdin: new PassThrough(),
    stdout,
    stderr,
  });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** The example workspace of the repository. */
export const EXAMPLE_WORKSPACE = path.resolve(import.meta.dirname, '../../campaigns');

/** Contact files for the tests. */
export const CONTACT_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/contacts');

/** A temporary directory, removed by the returned function. */
export function tempDir(prefix = 'campaignkit-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
