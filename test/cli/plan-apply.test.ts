import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { PlanSchema } from '../../src/planner/plan-schema.ts';
import { readStore } from '../../src/store/index.ts';
import { EXAMPLE_WORKSPACE, runCli, tempDir } from '../helpers/run-cli.ts';

/**
 * `campaign plan` and `campaign apply` end to end, on a copy of the example workspace and a store
 * in a temporary directory, filled by `campaign contacts import` with the example's contacts.
 */
const CONTACTS = path.resolve(import.meta.dirname, '../../fixtures/contacts.csv');
const CAMPAIGN = path.resolve(import.meta.dirname, '../../cli/campaign.js');
const NOW = '2026-11-23T09:00:00Z';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('campaignkit-plan-'));
  cpSync(EXAMPLE_WORKSPACE, path.join(dir, 'campaigns'), { recursive: true });
});
afterEach(() => cleanup());

const store = () => path.join(dir, 'store.json');
const common = ['--workspace', 'campaigns', '--store', 'store.json', '--no-typecheck'];
const cli = (...argv: string[]) => runCli(argv, { cwd: dir, env: { NO_COLOR: '1' } });

async function importContacts(): Promise<void> {
  const result = await cli('contacts', 'import', CONTACTS, '--workspace', 'campaigns', '--store', 'store.json', '--now', NOW);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

/** Runs `campaign …` with a terminal on stdin/stdout (interactive), answering through `answer`. */
function runInteractive(argv: string[]) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const stdout = Object.assign(new PassThrough(), { isTTY: true });
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = main({ argv, cwd: dir, env: { CAMPAIGN_ACTOR: 'tester', NO_COLOR: '1' }, stdin, stdout, stderr });
  return {
    done,
    output: () => out,
    errors: () => err,
    answer: (line: string) => stdin.write(`${line}\n`),
    /** Resolves once the question is on the screen. */
    async asked(): Promise<void> {
      for (let i = 0; i < 600 && !out.includes('Only "yes" is accepted:'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain('Apply these changes? Only "yes" is accepted:');
    },
  };
}

describe('campaign plan / apply', () => {
  it('warns when --store names no store: the plan is against an empty store, which a typo looks like (QA)', async () => {
    await importContacts();
    const typo = await cli('plan', '--workspace', 'campaigns', '--store', 'stroe.json', '--no-typecheck', '--now', NOW);
    expect(typo.code).toBe(0);
    expect(typo.stdout).toContain('! There is no store at "stroe.json": this plan is against an empty store, as for a first deployment. If the store exists, check the path given to --store.');
    const right = await cli('plan', ...common, '--now', NOW);
    expect(right.stdout).not.toContain('There is no store');
  });

  it('never saves a plan over a file that is not one, and apply of such a file does not suggest it (QA: a CSV replaced by a plan)', async () => {
    await importContacts();
    writeFileSync(path.join(dir, 'contacts.csv'), readFileSync(CONTACTS));
    const applied = await cli('apply', 'contacts.csv', ...common);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toBe('error: "contacts.csv" is not a plan: it is not JSON. Give the file `campaign plan --out plan.json` saved (then `campaign apply plan.json`). Nothing was applied.\n');
    const saved = await cli('plan', ...common, '--now', NOW, '--out', 'contacts.csv');
    expect(saved.code).toBe(1);
    expect(saved.stderr).toBe('error: --out "contacts.csv" is a file that is not a saved plan; give the plan a file of its own (plan.json). Nothing was written.\n');
    expect(readFileSync(path.join(dir, 'contacts.csv')).equals(readFileSync(CONTACTS))).toBe(true);
    const markdown = await cli('plan', ...common, '--now', NOW, '--markdown-out', 'contacts.csv');
    expect(markdown.stderr).toBe('error: --markdown-out "contacts.csv" is a file that is not a plan comment; give the comment a file of its own (plan.md). Nothing was written.\n');
    const snapshot = await cli('state', 'export', '--store', 'store.json', '--out', 'contacts.csv');
    expect(snapshot.stderr).toBe('error: --out "contacts.csv" is a file that is not a state snapshot; give the snapshot a file of its own (snapshot.json). Nothing was written.\n');
    expect(readFileSync(path.join(dir, 'contacts.csv')).equals(readFileSync(CONTACTS))).toBe(true);
    // An earlier plan (also with its keys reordered, as `jq -S` does), comment or snapshot, or an empty file, is written over.
    expect((await cli('plan', ...common, '--now', NOW, '--out', 'plan.json', '--markdown-out', 'plan.md')).code).toBe(0);
    const sorted = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(Object.fromEntries(Object.entries(sorted).sort(([a], [b]) => (a < b ? -1 : 1)))));
    expect((await cli('plan', ...common, '--now', NOW, '--out', 'plan.json', '--markdown-out', 'plan.md')).code).toBe(0);
    expect((await cli('state', 'export', '--store', 'store.json', '--out', 'snapshot.json')).code).toBe(0);
    expect((await cli('state', 'export', '--store', 'store.json', '--out', 'snapshot.json')).code).toBe(0);
    writeFileSync(path.join(dir, 'empty.json'), '');
    expect((await cli('plan', ...common, '--now', NOW, '--out', 'empty.json')).code).toBe(0);
  });

  it('plans (exit 2), applies, and plans again with no changes (exit 0)', async () => {
    await importContacts();
    const first = await cli('plan', ...common, '--now', NOW, '--detailed-exitcode');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(2);
    expect(first.stdout.split('\n')[0]).toMatch(/^Plan: \d+ to create\. Impact: \d+ contacts enroll in "/);
    expect(first.stdout).toContain('Impact on 1,000 contacts');

    const applied = await cli('apply', ...common, '--now', NOW, '--auto-approve');
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/Applied: \d+ to create\./);

    const data = (await readStore(store()))!;
    expect(data.deployed?.appliedBy).toBe('tester');
    expect(data.audit.at(-1)).toMatchObject({ action: 'apply', actor: 'tester', programHash: data.deployed!.hash });
    expect(data.enrollments.length).toBeGreaterThan(0);

    const again = await cli('plan', ...common, '--now', NOW, '--detailed-exitcode');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`No changes. The deployed program matches the workspace (hash ${data.deployed!.hash.slice(0, 12)}).\n`);
  });

  it('creates nothing when planning without a store, and prints the plan as versioned JSON or Markdown', async () => {
    const json = await cli('plan', ...common, '--now', NOW, '--format', 'json');
    expect(json.code).toBe(0);
    const plan = PlanSchema.parse(JSON.parse(json.stdout));
    expect(plan).toMatchObject({ formatVersion: 1, store: { lineage: null, serial: 0 }, deployedHash: null, summary: { firstDeploy: true, changes: true } });
    expect(plan.impact.contacts).toBe(0);
    expect(existsSync(store())).toBe(false);
    const markdown = await cli('plan', ...common, '--now', NOW, '--format', 'markdown');
    expect(markdown.stdout).toMatch(/^<!-- campaignkit-plan -->\n<!-- program [0-9a-f]{64} deployed none -->\n### campaignkit plan: \d+ to create \(first deployment\)\n/);
  });

  it('applies a saved plan exactly, and refuses it once the store or the workspace changed', async () => {
    await importContacts();
    const saved = await cli('plan', ...common, '--now', NOW, '--out', 'plan.json');
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain('Saved the plan to "plan.json".');
    // The saved plan's line says how to apply it; the plan text above it does not say it again.
    expect(saved.stdout).not.toContain('save it with --out');
    const plan = PlanSchema.parse(JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')));
    expect(plan.store.serial).toBe(1);
    // Saved again by an editor that writes a byte-order mark: still the same plan.
    writeFileSync(path.join(dir, 'plan.json'), `\uFEFF${readFileSync(path.join(dir, 'plan.json'), 'utf8')}`);

    // The store changes in between (another import): the plan is stale.
    writeFileSync(path.join(dir, 'more.csv'), `${readFileSync(CONTACTS, 'utf8').split('\n').slice(0, 2).join('\n').replace('c_000001', 'c_999999').replace(/[\w.]+@[\w.]+/, 'new.person@example.com')}\n`);
    expect((await cli('contacts', 'import', 'more.csv', '--workspace', 'campaigns', '--store', 'store.json', '--now', NOW)).code).toBe(0);
    const stale = await cli('apply', 'plan.json', ...common);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toBe('error: The plan "plan.json" is stale: the store changed since it was made (serial 1, now 2). Run `campaign plan --out plan.json` again and apply the new plan. Nothing was applied.\n');

    // Planned again, then the workspace changes: stale too.
    expect((await cli('plan', ...common, '--now', NOW, '--out', 'plan.json')).code).toBe(0);
    const journey = path.join(dir, 'campaigns/journeys/win-back.ts');
    writeFileSync(journey, readFileSync(journey, 'utf8').replace("name: 'Win-back'", "name: 'Win back'"));
    const changed = await cli('apply', 'plan.json', ...common);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/is stale: the workspace no longer compiles to the planned program/);

    // A module reading the clock (or random numbers) while it loads: planning again cannot help, and
    // apply says why instead of "stale" (QA: an endless plan → stale loop). Separate processes, as a
    // user runs them: one process remembers its compilation of unchanged files.
    const original = readFileSync(journey, 'utf8');
    writeFileSync(journey, original.replace("name: 'Win back'", 'name: `Win back ${Math.random()}`'));
    const command = (...argv: string[]) => spawnSync(process.execPath, [CAMPAIGN, ...argv, ...common], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(command('plan', '--now', NOW, '--out', 'plan.json').status).toBe(0);
    const unstable = command('apply', 'plan.json');
    expect(unstable.status).toBe(1);
    expect(unstable.stderr).toMatch(/^error: The plan "plan\.json" cannot be applied: the workspace compiles to a different program each time \(twice in a row just now: campaign "win-back" \(name\)\)\. A module reads the clock, random numbers, the environment or the network while it loads .* Nothing was applied\.\n$/);
    writeFileSync(journey, original);

    // Planned again, then an event is tracked: it is only in the journal (no serial changes), and
    // the plan did not see it.
    writeFileSync(journey, readFileSync(journey, 'utf8').replace("name: 'Win back'", "name: 'Win-back'"));
    expect((await cli('plan', ...common, '--now', NOW, '--out', 'plan.json')).code).toBe(0);
    const tracked = await cli('track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/pricing"}', '--at', NOW, '--now', NOW, '--workspace', 'campaigns', '--store', 'store.json');
    expect(tracked.code, tracked.stderr).toBe(0);
    const behind = await cli('apply', 'plan.json', ...common);
    expect(behind.code).toBe(1);
    expect(behind.stderr).toBe('error: The plan "plan.json" is stale: 1 event arrived in the journal since it was made, which it does not take into account. Run `campaign run`, then `campaign plan --out plan.json` again and apply the new plan. Nothing was applied.\n');

    // Planned once more (it sees the event, as a warning): applied exactly, at the plan's time.
    const replanned = await cli('plan', ...common, '--now', NOW, '--out', 'plan.json');
    expect(replanned.stdout).toContain('The journal holds 1 event that no run has processed yet');
    expect(JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')).store.unprocessedEvents).toBe(1);
    const applied = await cli('apply', 'plan.json', ...common);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const data = (await readStore(store()))!;
    expect(data.deployed?.appliedAt).toBe('2026-11-23T09:00:00.000Z');
    expect(data.deployed?.hash).toBe(JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')).programHash);
    // Applying the same plan twice: the second time it is stale.
    expect((await cli('apply', 'plan.json', ...common)).stderr).toMatch(/is stale: the store changed since it was made/);
  });

  it('refuses a saved plan whose program was edited after it was saved, and writes nothing', async () => {
    await importContacts();
    expect((await cli('plan', ...common, '--now', NOW, '--out', 'plan.json')).code).toBe(0);
    const file = path.join(dir, 'plan.json');
    const plan = JSON.parse(readFileSync(file, 'utf8'));
    // The hash (checked against the workspace) is left as reviewed; the program that would be deployed is not.
    plan.program.settings.webhooks.crm.url = 'https://elsewhere.example/hooks';
    writeFileSync(file, JSON.stringify(plan, null, 2));
    const bytes = readFileSync(store());
    const tampered = await cli('apply', 'plan.json', ...common);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toBe(`error: The plan "plan.json" was edited or damaged: its program no longer matches its hash ${plan.programHash.slice(0, 12)}. Save a new one with \`campaign plan --out plan.json\`. Nothing was applied.\n`);
    expect(readFileSync(store()).equals(bytes)).toBe(true);
    expect(existsSync(`${store()}.lock`)).toBe(false);
    // Not a file at all: a folder, a missing file.
    mkdirSync(path.join(dir, 'plans'));
    expect((await cli('apply', 'plans', ...common)).stderr).toBe('error: The plan "plans" is a folder; give the plan file (`campaign plan --out plan.json` saves one).\n');
    expect((await cli('apply', 'gone.json', ...common)).stderr).toBe('error: Cannot read the plan "gone.json": no such file. Save one with `campaign plan --out gone.json`.\n');
    writeFileSync(path.join(dir, 'latin1.json'), Buffer.concat([Buffer.from('{"formatVersion":1,"x":"'), Buffer.from([0xe9]), Buffer.from('"}')]));
    expect((await cli('apply', 'latin1.json', ...common)).stderr).toMatch(/^error: latin1\.json:1: not valid UTF-8 \(byte 0xE9 at column 25\); save the file as UTF-8\.?\n$/);
    expect(readFileSync(store()).equals(bytes)).toBe(true);
  });

  it('refuses a saved plan whose impact was edited (apply evaluates it again), also with --dry-run, and applies the plan as saved', async () => {
    await importContacts();
    expect((await cli('plan', ...common, '--now', NOW, '--out', 'plan.json')).code).toBe(0);
    const file = path.join(dir, 'plan.json');
    const saved = readFileSync(file, 'utf8');
    const plan = JSON.parse(saved);
    const campaign = plan.impact.campaigns.find((c: { entering: number }) => c.entering > 0);
    const entering = campaign.entering;
    campaign.entering = 0;
    writeFileSync(file, JSON.stringify(plan, null, 2));
    const bytes = readFileSync(store());
    for (const extra of [['--dry-run'], []]) {
      const edited = await cli('apply', 'plan.json', ...common, ...extra);
      expect(edited.stdout).toBe('');
      expect(edited.stderr).toBe(
        `error: The plan "plan.json" does not show what applying it would do: it was made against different data (a state snapshot without some fields, or with hashed ids) or was edited (campaign "${campaign.campaign}" entering: 0 in the plan, ${entering} now). Make a new plan against the store with \`campaign plan --out plan.json\` and apply that. Nothing was applied.\n`,
      );
      expect(edited.code).toBe(1);
    }
    expect(readFileSync(store()).equals(bytes)).toBe(true);
    // The file as saved (its key order, createdAt and numbers as JSON) applies.
    writeFileSync(file, saved);
    const applied = await cli('apply', 'plan.json', ...common);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
  });

  it('refuses a saved plan whose time was edited: not a date-time with a zone on the calendar, or before the store\'s clock', async () => {
    await importContacts();
    expect((await cli('plan', ...common, '--now', NOW, '--out', 'first.json')).code).toBe(0);
    expect((await cli('apply', 'first.json', ...common)).code).toBe(0);
    expect((await cli('run', '--now', '2026-11-24T00:00:00Z', '--store', 'store.json')).code).toBe(0);
    const segment = path.join(dir, 'campaigns/segments/at-risk-customers.ts');
    writeFileSync(segment, readFileSync(segment, 'utf8').replace("moreThanAgo('30d')", "moreThanAgo('60d')"));
    expect((await cli('plan', ...common, '--now', '2026-11-24T00:00:00Z', '--out', 'plan.json')).code).toBe(0);
    const file = path.join(dir, 'plan.json');
    const plan = JSON.parse(readFileSync(file, 'utf8'));
    expect(plan.summary.changes).toBe(true);
    const bytes = readFileSync(store());
    for (const [now, message] of [
      ['2026-11-30T24:00:00Z', 'error: "plan.json" is not a valid campaignkit plan (now: an ISO 8601 date-time with a zone). Save a new one with `campaign plan --out plan.json`.\n'],
      ['2026-02-30T09:00:00.000Z', 'error: "plan.json" is not a valid campaignkit plan (now: an ISO 8601 date-time with a zone). Save a new one with `campaign plan --out plan.json`.\n'],
      ['2026-11-25T00:00:00', 'error: "plan.json" is not a valid campaignkit plan (now: an ISO 8601 date-time with a zone). Save a new one with `campaign plan --out plan.json`.\n'],
      [NOW, `error: The plan "plan.json" was edited or damaged: it applies at ${NOW}, before the store's clock (2026-11-24T00:00:00.000Z). Save a new one with \`campaign plan --out plan.json\`. Nothing was applied.\n`],
    ]) {
      writeFileSync(file, JSON.stringify({ ...plan, now }, null, 2));
      const edited = await cli('apply', 'plan.json', ...common);
      expect(edited.code, now).toBe(1);
      expect(edited.stderr).toBe(message);
    }
    expect(readFileSync(store()).equals(bytes)).toBe(true);
    writeFileSync(file, JSON.stringify(plan, null, 2));
    expect((await cli('apply', 'plan.json', ...common)).code).toBe(0);
  });

  it('refuses to save the plan over the store or the journal beside it, which it would destroy', async () => {
    await importContacts();
    writeFileSync(path.join(dir, 'journal.jsonl'), '{"id":"e1"}\n');
    const bytes = readFileSync(store());
    const onJournal = await cli('plan', ...common, '--now', NOW, '--out', 'journal.jsonl');
    expect(onJournal.code).toBe(1);
    expect(onJournal.stderr).toBe('error: --out names the store\'s event journal ("journal.jsonl"); write to another file. Nothing was written.\n');
    const onStore = await cli('plan', ...common, '--now', NOW, '--markdown-out', 'store.json');
    expect(onStore.code).toBe(1);
    expect(onStore.stderr).toBe('error: --markdown-out names the store ("store.json"); write to another file. Nothing was written.\n');
    // Through a symbolic link, or a hard link: the same file by another name.
    symlinkSync(store(), path.join(dir, 'link.json'));
    linkSync(store(), path.join(dir, 'hard.json'));
    for (const name of ['link.json', 'hard.json']) {
      const through = await cli('plan', ...common, '--now', NOW, '--out', name);
      expect(through.code, name).toBe(1);
      expect(through.stderr).toBe(`error: --out names the store ("${name}"); write to another file. Nothing was written.\n`);
    }
    // A link to a file kept beside the store that does not exist yet: the write would create it.
    symlinkSync(`${store()}.lock`, path.join(dir, 'to-lock.json'));
    const toLock = await cli('plan', ...common, '--now', NOW, '--out', 'to-lock.json');
    expect(toLock.stderr).toBe('error: --out names the store\'s lock ("to-lock.json"); write to another file. Nothing was written.\n');
    expect(existsSync(`${store()}.lock`)).toBe(false);
    const both = await cli('plan', ...common, '--now', NOW, '--out', 'p.json', '--markdown-out', './p.json');
    expect(both.stderr).toBe('error: --out and --markdown-out name the same file ("p.json"); give each its own (plan.json, plan.md). Nothing was written.\n');
    expect(existsSync(path.join(dir, 'p.json'))).toBe(false);
    expect(readFileSync(store()).equals(bytes)).toBe(true);
    expect(readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')).toBe('{"id":"e1"}\n');
  });

  it('refuses without a terminal unless --auto-approve, and asks on a terminal (only "yes" applies)', async () => {
    await importContacts();
    const before = readFileSync(store());
    const refused = await cli('apply', ...common, '--now', NOW);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: Refusing to apply without confirmation: there is no terminal to ask on\. Re-run with --auto-approve or apply a saved plan/);

    const no = runInteractive(['apply', ...common, '--now', NOW]);
    await no.asked();
    no.answer('y');
    expect(await no.done).toBe(1);
    expect(no.output()).toContain('Apply cancelled. Nothing was written.');
    expect(readFileSync(store()).equals(before)).toBe(true);

    const yes = runInteractive(['apply', ...common, '--now', NOW]);
    await yes.asked();
    yes.answer('yes');
    expect(await yes.done).toBe(0);
    expect(yes.output()).toMatch(/Applied: /);
  });

  it('refuses a second apply while one holds the lock', async () => {
    await importContacts();
    const first = runInteractive(['apply', ...common, '--now', NOW]);
    await first.asked(); // holds the store lock while it waits for an answer
    const second = await cli('apply', ...common, '--now', NOW, '--auto-approve');
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^error: The store is locked by campaign apply \(pid \d+\) since .*; wait for it to finish, or remove "store\.json\.lock" if that process is gone\.\n$/);
    first.answer('yes');
    expect(await first.done).toBe(0);
    expect((await cli('plan', ...common, '--now', NOW, '--detailed-exitcode')).code).toBe(0);
  });

  it('--dry-run prints per-contact changes and leaves the store bytes unchanged', async () => {
    await importContacts();
    const before = readFileSync(store());
    const dry = await cli('apply', ...common, '--now', NOW, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Plan: \d+ to create\. .*\n\nc_000001\n/);
    expect(dry.stdout).toMatch(/^c_000002\n {2}segments: .*\+ inactive-60-days\n {2}fit: new → \d+\n {2}win-back: enrolls at "we-miss-you"\n/m);
    expect(dry.stdout).toContain('Dry run: nothing was written.');
    expect(dry.stdout).not.toContain('@'); // ids only, unless --show-emails
    expect(readFileSync(store()).equals(before)).toBe(true);
    expect(existsSync(`${store()}.lock`)).toBe(false);
  });

  it('makes a removed step with waiting contacts a plan error, and moves them with removedSteps', async () => {
    await importContacts();
    expect((await cli('apply', ...common, '--now', NOW, '--auto-approve')).code).toBe(0);
    const waiting = (await readStore(store()))!.enrollments.filter((e) => e.campaign === 'win-back' && e.step === 'we-miss-you' && e.status === 'active');
    expect(waiting.length).toBeGreaterThan(0);

    const journey = path.join(dir, 'campaigns/journeys/win-back.ts');
    const source = readFileSync(journey, 'utf8');
    writeFileSync(journey, source.replace("    send('we-miss-you', weMissYou),\n", ''));
    const error = await cli('plan', ...common, '--now', NOW, '--detailed-exitcode', '--out', 'plan.json');
    expect(error.code).toBe(1);
    expect(error.stdout).toContain(`✖ Step "we-miss-you" was removed from campaign "win-back" while ${waiting.length} contacts wait in it.`);
    expect(error.stdout).toContain('(campaigns/journeys/win-back.ts:');
    expect(error.stdout).toContain('The plan has errors, so it was not saved to "plan.json".');
    expect(existsSync(path.join(dir, 'plan.json'))).toBe(false);
    const refused = await cli('apply', ...common, '--now', NOW, '--auto-approve');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('error: The plan has errors (see above); fix them and plan again. Nothing was applied.\n');

    writeFileSync(journey, readFileSync(journey, 'utf8').replace("  reentry: { after: '90d' },\n", "  reentry: { after: '90d' },\n  removedSteps: { 'we-miss-you': { moveTo: 'one-week' } },\n"));
    const planned = await cli('plan', ...common, '--now', NOW, '--detailed-exitcode');
    expect(planned.code).toBe(2);
    expect(planned.stdout.split('\n')[0]).toBe(`Plan: 1 to change. Impact: ${waiting.length} contacts move from "we-miss-you" to "one-week".`);
    expect((await cli('apply', ...common, '--now', NOW, '--auto-approve')).code).toBe(0);
    const moved = (await readStore(store()))!.enrollments.filter((e) => e.campaign === 'win-back' && e.status === 'active');
    expect(moved.map((e) => e.step)).toEqual(waiting.map(() => 'one-week'));
    expect(moved.every((e) => e.phase === 'pending' && e.history.at(-1)?.outcome === 'moved to "one-week" by apply')).toBe(true);
  });
});

describe('campaign plan with unprocessed events', () => {
  it('warns that the journal holds events no run has processed', async () => {
    await importContacts();
    const event = { id: 'e1', event: 'page.viewed', contact: 'c_000001', at: '2026-11-22T10:00:00.000Z', data: { url: '/pricing' } };
    writeFileSync(path.join(dir, 'events.jsonl'), `${JSON.stringify(event)}\n`);
    expect((await cli('events', 'ingest', 'events.jsonl', '--workspace', 'campaigns', '--store', 'store.json')).code).toBe(0);
    const plan = await cli('plan', ...common, '--now', NOW);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('! The journal holds 1 event that no run has processed yet: this impact leaves it out, and scores stored by apply would take it in late. Run `campaign run` first, then plan again.');
  });
});

describe('campaign plan / apply (real process)', () => {
  it('exits 2 with changes, 0 without, 1 on a refusal, without a stack trace', async () => {
    await importContacts();
    const campaign = (...argv: string[]) =>
      spawnSync(process.execPath, [CAMPAIGN, ...argv, ...common, '--now', NOW], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '' }, input: '' });
    expect(campaign('plan', '--detailed-exitcode').status).toBe(2);
    const refused = campaign('apply');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^error: Refusing to apply without confirmation/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    // The rest in process (the same exit codes, without three more node starts: the suite's time).
    const inProcess = async (...argv: string[]) => (await cli(...argv, ...common, '--now', NOW)).code;
    expect(await inProcess('apply', '--auto-approve')).toBe(0);
    expect(await inProcess('plan', '--detailed-exitcode')).toBe(0);
    expect(await inProcess('plan')).toBe(0);
  });
});
