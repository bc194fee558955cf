import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTACT_FIXTURES, EXAMPLE_WORKSPACE, tempDir } from '../helpers/run-cli.ts';

const CAMPAIGN = path.resolve(import.meta.dirname, '../../cli/campaign.js');

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function campaign(...argv: string[]) {
  return spawnSync(process.execPath, [CAMPAIGN, ...argv, '--workspace', EXAMPLE_WORKSPACE, '--store', 'store.json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('campaign contacts (real process)', () => {
  it('exits 0 on success and 1 on a user mistake, without a stack trace', () => {
    const ok = campaign('contacts', 'import', path.join(CONTACT_FIXTURES, 'valid.csv'));
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(existsSync(path.join(dir, 'store.json'))).toBe(true);

    const bad = campaign('contacts', 'import', path.join(CONTACT_FIXTURES, 'invalid-rows.csv'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/invalid-rows\.csv:3: "email": invalid email address/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
