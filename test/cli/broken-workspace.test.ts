import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStore } from '../../src/store/index.ts';
import { CONTACT_FIXTURES, EXAMPLE_WORKSPACE, runCli, tempDir } from '../helpers/run-cli.ts';

/**
 * `--store FILE` while the workspace does not compile (someone's edit in progress): the commands
 * that can work from the program deployed in the store do so, with a one-line note; `track` and
 * `events ingest`, which check events against the workspace's zod schemas, refuse and say why.
 */

const NOW = '2026-03-01T10:00:00.000Z';
let dir: string;
let cleanup: () => void;
let ada: string;
let hash: string;
const STORE = ['--store', 'store.json'];
const good = (...argv: string[]) => runCli([...argv, '--workspace', EXAMPLE_WORKSPACE], { cwd: dir });
const broken = (...argv: string[]) => runCli([...argv, '--workspace', 'campaigns'], { cwd: dir });

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  expect((await good('contacts', 'import', path.join(CONTACT_FIXTURES, 'valid.jsonl'), ...STORE, '--now', NOW)).code).toBe(0);
  expect((await good('apply', '--auto-approve', '--no-typecheck', ...STORE, '--now', NOW)).code).toBe(0);
  const data = (await readStore(path.join(dir, 'store.json')))!;
  ada = data.contacts.find((c) => c.fields.email === 'ada@acme.example')!.id;
  hash = data.deployed!.hash;
  cpSync(EXAMPLE_WORKSPACE, path.join(dir, 'campaigns'), { recursive: true });
  writeFileSync(path.join(dir, 'campaigns', 'journeys', 'welcome.ts'), 'export default campaign(;\n');
}, 60_000);
afterAll(() => cleanup());

const note = (command: string) => new RegExp(`^note: the workspace has \\d+ errors? \\(\`campaign validate\` lists them\\); \`campaign ${command}\` uses the program deployed in the store \\(${hash.slice(0, 12)}\\)\\.\\n$`);

describe('a command given --store while the workspace has errors', () => {
  it('contacts export: exports with the deployed contact schema, as it would with the workspace', async () => {
    const expected = await good('contacts', 'export', ...STORE);
    const run = await broken('contacts', 'export', ...STORE);
    expect(run.stderr).toMatch(note('contacts export'));
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(expected.stdout);
  });

  it('contact: explains the contact by the deployed program', async () => {
    const expected = await good('contact', 'ada@acme.example', ...STORE, '--now', NOW);
    const run = await broken('contact', 'ada@acme.example', ...STORE, '--now', NOW);
    expect(run.stderr).toMatch(note('contact'));
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(expected.stdout);
  });

  it('enroll: queues against the deployed campaigns', async () => {
    const run = await broken('enroll', 'trial-nurture', '--contact', 'ada@acme.example', '--dry-run', ...STORE, '--now', NOW);
    expect(run.stderr).toMatch(note('enroll'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Would queue: ${ada} <ada@acme\\.example> enters .*\\(trial-nurture\\)`));
  });

  it('track and events ingest: refuse, saying why they need the workspace, and accept nothing', async () => {
    writeFileSync(path.join(dir, 'events.jsonl'), `{"event":"page.viewed","contact":"${ada}","at":"${NOW}","data":{"url":"/pricing"}}\n`);
    for (const [command, argv] of [
      ['track', ['track', 'page.viewed', '--contact', ada, '--data', '{"url":"/pricing"}']],
      ['events ingest', ['events', 'ingest', 'events.jsonl']],
    ] as const) {
      const run = await broken(...argv, ...STORE, '--now', NOW);
      expect(run.code, command).toBe(1);
      expect(run.stderr, command).toContain('welcome.ts');
      expect(run.stderr.trimEnd().split('\n').at(-1), command).toBe(
        `error: The workspace has errors, and \`campaign ${command}\` cannot do without it, even with --store: events are checked against the workspace's event schemas, which the deployed program holds only in outline; nothing was accepted. Fix the workspace (see above, or run \`campaign validate\`) and try again.`,
      );
    }
    expect(existsSync(path.join(dir, 'journal.jsonl'))).toBe(false);
  });

  it('stops with the workspace errors when nothing is deployed in the store to use instead, and without --store', async () => {
    const data = JSON.parse(readFileSync(path.join(dir, 'store.json'), 'utf8')) as { deployed: unknown };
    data.deployed = null;
    writeFileSync(path.join(dir, 'undeployed.json'), JSON.stringify(data));
    const run = await broken('contact', 'ada@acme.example', '--store', 'undeployed.json', '--now', NOW);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('welcome.ts');
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe(
      'error: The workspace has errors, and `campaign contact` would use the program deployed in the store instead, but nothing is deployed there yet. Fix the workspace (see above, or run `campaign validate`) and try again.',
    );
    // Without --store, the store's path is the workspace's setting: it must compile.
    const without = await broken('contacts', 'export');
    expect(without.code).toBe(1);
    expect(without.stderr.trimEnd().split('\n').at(-1)).toBe('error: The workspace has errors; fix them (see above, or run `campaign validate`) and try again.');
  });
});
