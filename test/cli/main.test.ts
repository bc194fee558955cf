import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/run-cli.ts';

/** `campaign …` in-process (no command here touches a workspace). */
const run = (argv: string[]) => runCli(argv, { cwd: process.cwd() });

describe('campaign (the command line)', () => {
  it('prints the help of one command with `campaign help COMMAND`, as with --help', async () => {
    const viaHelp = await run(['help', 'contacts', 'import']);
    expect(viaHelp).toEqual(await run(['contacts', 'import', '--help']));
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toMatch(/^Usage: campaign contacts import FILE/);
    expect((await run(['help'])).stdout).toMatch(/^campaign — campaigns-as-code/);
  });

  it('names the commands of a group given without one, and an unknown command without its options', async () => {
    expect(await run(['contacts'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: "contacts" is not a command; contacts has `campaign contacts import`, `campaign contacts export`, `campaign contacts erase`.\n',
    });
    expect((await run(['help', 'nope'])).stderr).toBe('error: Unknown command "nope". Run `campaign --help` for the list of commands.\n');
    expect((await run(['nope', '--store', 'x'])).code).toBe(1);
  });

  it('shows the commands of a group for `help GROUP` and `GROUP --help`', async () => {
    const help = await run(['help', 'contacts']);
    expect(help.code).toBe(0);
    expect(help.stdout.split('\n').slice(0, 4)).toEqual(['Usage: campaign contacts <command> [options]', '', 'Commands:', expect.stringMatching(/^ {2}contacts import {2}Import contacts/)]);
    expect(help.stdout).toContain('\n  contacts erase ');
    expect(await run(['webhooks', '--help'])).toMatchObject({ code: 0, stderr: '', stdout: expect.stringContaining('  webhooks retry  Queue again') });
  });

  it('refuses a single-valued option given twice in one line, writing nothing', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const twice = await runCli(['enroll', 'trial-nurture', '--contact', 'a', '--contact', 'b', '--store', 'store.json'], { cwd: dir });
      expect(twice).toEqual({ code: 1, stdout: '', stderr: 'error: --contact was given twice; give it once. Run `campaign enroll --help` for its options.\n' });
      // -w is --workspace: the same option in two spellings.
      const spelled = await runCli(['track', 'signup', '--contact', 'a', '--at', '2024-01-01T00:00:00Z', '--at=2024-02-01T00:00:00Z'], { cwd: dir });
      expect(spelled.stderr).toBe('error: --at was given twice; give it once. Run `campaign track --help` for its options.\n');
      expect((await runCli(['validate', '-w', dir, '--workspace', dir], { cwd: dir })).stderr).toMatch(/^error: --workspace was given twice; give it once\./);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('refuses an empty path argument instead of reading or writing the current folder', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const workspace = path.resolve(import.meta.dirname, '../../campaigns');
      expect(await runCli(['apply', '', '-w', workspace, '--store', 'store.json', '--auto-approve'], { cwd: dir })).toEqual({
        code: 1,
        stdout: '',
        stderr: 'error: The plan file argument is empty; give the file saved by `campaign plan --out FILE`, or leave it out to plan and apply now. Nothing was applied.\n',
      });
      expect((await runCli(['contacts', 'import', ' ', '-w', workspace, '--store', 'store.json', '--format', 'csv'], { cwd: dir })).stderr).toBe('error: The file argument is empty; give the file to import: `campaign contacts import FILE`.\n');
      expect(await runCli(['init', ''], { cwd: dir })).toMatchObject({ code: 1, stderr: 'error: The folder argument is empty; give a new or empty folder, or leave it out for the current one. Nothing was written.\n' });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("says that `campaign contact` explains a contact as of the store's clock by default, as it does (docs/runtime.md)", async () => {
    const help = await run(['contact', '--help']);
    expect(help.stdout).toContain("--now ISO                  explain the contact as of this time (default: $CAMPAIGN_NOW, else the store's clock)\n");
  });
});
