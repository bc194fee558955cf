import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTACT_FIXTURES, EXAMPLE_WORKSPACE, runCli, tempDir } from '../helpers/run-cli.ts';

/**
 * `--store new/dir/store.json` where nothing exists yet: a command that needs a store refuses in
 * one line and creates nothing, not even the store's folder; a read-only one creates nothing either.
 */

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const NOW = '2026-03-01T10:00:00.000Z';
const STORE = 'new/dir/store.json';
const cli = (...argv: string[]) => runCli([...argv, '--workspace', EXAMPLE_WORKSPACE, '--store', STORE], { cwd: dir });

describe('a command given a store that does not exist', () => {
  const refusals: [string, string[], string][] = [
    ['contacts erase', ['contacts', 'erase', 'ada@acme.example', '--now', NOW], `There is no store at "${STORE}"; pass the store that holds the contact with --store. Nothing was changed.`],
    ['contacts erase --dry-run', ['contacts', 'erase', 'ada@acme.example', '--dry-run', '--now', NOW], `There is no store at "${STORE}"; pass the store that holds the contact with --store. Nothing was changed.`],
    ['run', ['run', '--now', NOW], `There is no store at "${STORE}" yet. Import contacts and apply the workspace first (campaign contacts import, campaign apply).`],
    ['run --dry-run', ['run', '--now', NOW, '--dry-run'], `There is no store at "${STORE}" yet. Import contacts and apply the workspace first (campaign contacts import, campaign apply).`],
    ['run --watch', ['run', '--watch'], `There is no store at "${STORE}" yet. Import contacts and apply the workspace first (campaign contacts import, campaign apply).`],
    ['enroll', ['enroll', 'customer-onboarding', '--contact', 'c_000001', '--now', NOW], `There is no store at "${STORE}" yet. Import contacts and apply the workspace first (campaign contacts import, campaign apply).`],
    ['track', ['track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/"}', '--now', NOW], `There is no store at "${STORE}" yet; import contacts first (campaign contacts import).`],
    ['events ingest', ['events', 'ingest', 'events.jsonl', '--now', NOW], `There is no store at "${STORE}" yet; import contacts first (campaign contacts import).`],
    ['contacts export', ['contacts', 'export'], `There is no store at "${STORE}" yet; import contacts first (\`campaign contacts import FILE\`).`],
    ['contact', ['contact', 'c_000001'], `There is no store at "${STORE}" yet; import contacts first.`],
    ['state export', ['state', 'export', '--out', 'snapshot.json'], `There is no store at "${STORE}". Pass the production store with --store FILE.`],
  ];
  for (const [name, argv, message] of refusals) {
    it(`${name}: refuses in one line and creates nothing`, async () => {
      writeFileSync(path.join(dir, 'events.jsonl'), `{"event":"page.viewed","contact":"c_000001","at":"${NOW}","data":{"url":"/"}}\n`);
      const run = await cli(...argv);
      expect(readdirSync(dir)).toEqual(['events.jsonl']);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`error: ${message}\n`);
    });
  }

  it('plan: plans against an empty store and creates nothing', async () => {
    const run = await cli('plan', '--no-typecheck', '--now', NOW);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Plan: \d+ to create\./);
    expect(existsSync(path.join(dir, 'new'))).toBe(false);
  });
});

describe('a command that creates the store, given one that does not exist', () => {
  it('contacts import: a file with invalid rows writes nothing and leaves no folder; a valid one creates the store', async () => {
    const refused = await cli('contacts', 'import', path.join(CONTACT_FIXTURES, 'invalid-rows.csv'), '--now', NOW);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Nothing was written\.\n$/);
    expect(readdirSync(dir)).toEqual([]);
    const created = await cli('contacts', 'import', path.join(CONTACT_FIXTURES, 'valid.csv'), '--now', NOW);
    expect(created.code, created.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'new', 'dir'))).toEqual(['store.json']);
  });

  it('apply: refused without confirmation, it writes nothing and leaves no folder', async () => {
    const run = await cli('apply', '--no-typecheck', '--now', NOW);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: Refusing to apply without confirmation/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
