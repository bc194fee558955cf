import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeLoadFolder } from '../../src/compiler/load-folder.ts';

const savedTmp = process.env.TMPDIR;
const dirs: string[] = [];
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

describe("the workspace bundle's temporary folder", () => {
  it('is named by the process, and a new one removes those of processes that no longer run', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'ck-load-folder-'));
    dirs.push(tmp);
    process.env.TMPDIR = tmp;
    // A process that has ended: its pid runs no more (nothing else is started meanwhile, at worst it is kept).
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const names = {
      dead: `campaignkit-load-${gone}-abc123`,
      mine: `campaignkit-load-${process.pid}-abc123`,
      // pid 1 always runs.
      live: 'campaignkit-load-1-abc123',
      // Older versions' names, without a pid: removed a day after they were written.
      older: 'campaignkit-load-123456',
      olderStale: 'campaignkit-load-abcdef',
      other: 'something-else',
    };
    for (const name of Object.values(names)) mkdirSync(path.join(tmp, name, '_chunks'), { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    utimesSync(path.join(tmp, names.olderStale), twoDaysAgo, twoDaysAgo);
    // A pid-named folder is judged by its process, not its age.
    utimesSync(path.join(tmp, names.live), twoDaysAgo, twoDaysAgo);

    const made = makeLoadFolder();
    expect(path.dirname(made)).toBe(tmp);
    expect(path.basename(made)).toMatch(new RegExp(`^campaignkit-load-${process.pid}-[A-Za-z0-9]{6}$`));
    expect(existsSync(path.join(tmp, names.dead))).toBe(false);
    expect(existsSync(path.join(tmp, names.olderStale))).toBe(false);
    expect(readdirSync(tmp).sort()).toEqual([path.basename(made), names.live, names.older, names.mine, names.other].sort());
  });
});
