import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { copyBase } = runtimeCliWorkspace();

/** `cli/campaign.js` exits once its command is done (validate.test.ts: a module's timer does not hold it). */
describe('the campaign executable', () => {
  it('writes all of a large output to a pipe whose reader is slow before it exits (a pipe takes 64 KB at a time)', () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const campaign = `'${process.execPath}' '${path.join(ROOT, 'cli/campaign.js')}'`;
    const args = `plan --format json --no-typecheck --workspace '${path.join(ROOT, 'campaigns')}' --store '${store}' --now 2026-08-01T00:00:00Z`;
    const saved = spawnSync('sh', ['-c', `${campaign} ${args} --out '${path.join(dir, 'plan.json')}' > /dev/null`], { encoding: 'utf8' });
    expect(saved.status, saved.stderr).toBe(0);
    const piped = spawnSync('sh', ['-c', `${campaign} ${args} | (sleep 1; cat)`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout.length).toBeGreaterThan(64 * 1024);
    const plan = JSON.parse(piped.stdout) as { programHash: string };
    expect(plan.programHash).toBe((JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as { programHash: string }).programHash);
  });
});
