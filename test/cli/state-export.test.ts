import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/planner/plan-types.ts';
import { readStore, writeStore, type StoredEvent } from '../../src/store/index.ts';
import { EXAMPLE_WORKSPACE, runCli, tempDir } from '../helpers/run-cli.ts';

/**
 * `campaign state export` and `campaign plan --state`, on a copy of the example workspace whose
 * store holds the example contacts and events, deployed. Then the workspace changes (a scoring
 * rule, a wait, a removed step with a move, a new segment) and is planned against the store and
 * against its snapshot.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const NOW = '2026-11-23T09:00:00Z';

let dir: string;
let cleanup: () => void;
const cli = (...argv: string[]) => runCli(argv, { cwd: dir, env: { NO_COLOR: '1' } });
const common = ['--workspace', 'campaigns', '--no-typecheck', '--now', NOW];
const file = (name: string) => path.join(dir, name);

function edit(relative: string, from: string, to: string): void {
  const full = path.join(dir, 'campaigns', relative);
  const text = readFileSync(full, 'utf8');
  expect(text).toContain(from);
  writeFileSync(full, text.replace(from, to));
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('campaignkit-state-'));
  cpSync(EXAMPLE_WORKSPACE, file('campaigns'), { recursive: true });
  expect((await cli('contacts', 'import', path.join(ROOT, 'fixtures/contacts.csv'), '--workspace', 'campaigns', '--store', 'store.json', '--now', NOW)).code).toBe(0);
  // The example's event history, as a run would have stored it (sorted by time, then id).
  const store = (await readStore(file('store.json')))!;
  const events = readFileSync(path.join(ROOT, 'fixtures/events.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as StoredEvent);
  // Ingest resolves contacts given by email to their id; do the same.
  const byEmail = new Map(store.contacts.map((c) => [c.fields.email as string, c.id]));
  const ids = new Set(store.contacts.map((c) => c.id));
  store.events = events
    .map((e) => ({ ...e, contact: byEmail.get(e.contact) ?? e.contact }))
    .filter((e) => e.at <= NOW && ids.has(e.contact))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
  await writeStore(file('store.json'), store);
  expect((await cli('apply', ...common, '--store', 'store.json', '--auto-approve')).code).toBe(0);
  // A realistic change: a scoring rule, a wait, a removed step whose contacts move, a new segment.
  edit('scoring/engagement.ts', "on('asset.downloaded', { id: 'asset-download' }).add(10)", "on('asset.downloaded', { id: 'asset-download' }).add(15)");
  edit('journeys/win-back.ts', "wait('one-week', '7d')", "wait('one-week', '5d')");
  edit('journeys/customer-health.ts', "exitWhen:", "removedSteps: { 'alert-csm': { moveTo: 'notify-csm' } },\n  exitWhen:");
  edit('journeys/customer-health.ts', "notify('alert-csm'", "notify('notify-csm'");
  edit('journeys/win-back.ts', "    send('we-miss-you', weMissYou),\n", '');
  edit('journeys/win-back.ts', "exitWhen:", "removedSteps: { 'we-miss-you': 'exit' },\n  exitWhen:");
  edit('journeys/win-back.ts', "import weMissYou from '../emails/we-miss-you';\n", '');
  writeFileSync(
    file('campaigns/segments/eu-enterprise.ts'),
    "import { segment } from '../campaign.config';\n\nexport default segment('eu-enterprise', {\n  name: 'EU enterprise',\n  where: (c) => c.all(c.country.in(['FR', 'DE', 'BE', 'NL']), c.plan.eq('enterprise'), c.birthday.anniversary({ daysAfter: 30 })),\n});\n",
  );
}, 120_000);
afterAll(() => cleanup());

/**
 * The needles that occur in `text`: the same answer as `text.includes(needle)` for each, found
 * from the places of `anchor`, a character every needle contains (an occurrence of a needle whose
 * first `anchor` is at offset k puts an `anchor` at its start + k). One pass over those places
 * instead of one over the whole text per needle: 4,000 needles in a snapshot of several MB took
 * seconds.
 */
function occurring(text: string, needles: readonly string[], anchor: string): string[] {
  const groups = new Map<string, { offset: number; length: number; needles: Set<string> }>();
  for (const needle of needles) {
    const offset = needle.indexOf(anchor);
    expect(offset, needle).toBeGreaterThanOrEqual(0);
    const key = `${offset}:${needle.length}`;
    const group = groups.get(key) ?? { offset, length: needle.length, needles: new Set<string>() };
    group.needles.add(needle);
    groups.set(key, group);
  }
  const found = new Set<string>();
  for (let at = text.indexOf(anchor); at >= 0; at = text.indexOf(anchor, at + 1)) {
    for (const { offset, length, needles: group } of groups.values()) {
      const start = at - offset;
      if (start < 0) continue;
      const candidate = text.slice(start, start + length);
      if (group.has(candidate)) found.add(candidate);
    }
  }
  return needles.filter((needle) => found.has(needle));
}

const planJson = (stdout: string) => JSON.parse(stdout) as Plan;
/** The impact without example ids (hashed ids differ). */
const counts = (plan: Plan) => JSON.parse(JSON.stringify(plan.impact, (key, value: unknown) => (key === 'examples' ? undefined : value))) as unknown;

describe('campaign state export', () => {
  it('writes a snapshot without emails or names, that plans to the same impact as the store', async () => {
    const exported = await cli('state', 'export', '--store', 'store.json', '--out', 'snapshot.json');
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^Exported the state of store\.json \(serial 3\) to snapshot\.json: 1000 contacts, \d+ events, \d+ enrollments\.\n {2}fields kept: .*\n {2}hashed: email\n {2}year removed: birthday\n {2}left out: company, firstName, lastName, trialEndsAt\n$/);

    const text = readFileSync(file('snapshot.json'), 'utf8');
    const store = (await readStore(file('store.json')))!;
    const emails = store.contacts.map((contact) => contact.fields.email as string);
    const names = store.contacts.flatMap((contact) => ['firstName', 'lastName', 'company'].flatMap((field) => (typeof contact.fields[field] === 'string' ? [JSON.stringify(contact.fields[field])] : [])));
    // Every address contains "@" and every quoted name starts with '"': anchored there.
    expect(occurring(text, emails, '@'), 'emails').toEqual([]);
    expect(occurring(text, names, '"'), 'names').toEqual([]);
    const snapshot = (await readStore(file('snapshot.json')))!;
    expect(snapshot).toMatchObject({ lineage: store.lineage, serial: store.serial, outbox: [], audit: [], suppression: [], pending: [], webhooks: [] });
    expect(snapshot.snapshot?.fields.hashed).toEqual(['email']);
    expect(snapshot.contacts.map((c) => c.id)).toEqual(store.contacts.map((c) => c.id));
    expect(snapshot.contacts[0]!.fields.email).toMatch(/^h_[0-9a-f]{16}@/);
    expect(snapshot.contacts[0]!.fields.birthday ?? '2000').toMatch(/^2000/);

    const live = await cli('plan', ...common, '--store', 'store.json', '--format', 'json');
    const fromSnapshot = await cli('plan', ...common, '--state', 'snapshot.json', '--format', 'json');
    expect(live.code).toBe(0);
    expect(fromSnapshot.code).toBe(0);
    const [a, b] = [planJson(live.stdout), planJson(fromSnapshot.stdout)];
    const outcomes = a.impact.campaigns.flatMap((c) => c.steps.filter((s) => s.waiting > 0).map((s) => s.outcome));
    expect(outcomes).toEqual(expect.arrayContaining(['move', 'exit']));
    expect(a.impact.scores.some((s) => s.changed > 0)).toBe(true);
    expect(b.impact).toEqual(a.impact);
    // The same, but for the warning that a snapshot cannot count waiting emails (the change takes contacts out at a removed step).
    expect(b.warnings.filter((w) => w.code !== 'outbox-not-counted')).toEqual(a.warnings);
    expect(b.warnings.filter((w) => w.code === 'outbox-not-counted')).toHaveLength(1);
    expect({ ...b.summary, warnings: b.summary.warnings - 1 }).toEqual(a.summary);
    expect(b.store).toEqual(a.store);
  });

  it("plans against a snapshot as of its clock unless --now says otherwise: no warning about timers a pull request cannot run (QA)", async () => {
    // A store a run went up to NOW (the daily export runs hours before the pull request's job).
    const store = (await readStore(file('store.json')))!;
    store.clock = NOW;
    await writeStore(file('clocked.json'), { ...store, lineage: 'clocked' });
    expect((await cli('state', 'export', '--store', 'clocked.json', '--out', 'clocked-snapshot.json')).code).toBe(0);
    const later = new Date(Date.parse(NOW) + 6 * 3_600_000).toISOString();
    const withoutNow = common.filter((arg, i) => arg !== '--now' && common[i - 1] !== '--now');
    const asOfClock = planJson((await cli('plan', ...withoutNow, '--state', 'clocked-snapshot.json', '--format', 'json')).stdout);
    expect(asOfClock.now).toBe(new Date(NOW).toISOString());
    expect(asOfClock.warnings.map((w) => w.code)).not.toContain('store-clock-behind');
    const told = planJson((await cli('plan', ...withoutNow, '--now', later, '--state', 'clocked-snapshot.json', '--format', 'json')).stdout);
    expect(told.now).toBe(later);
    expect(told.warnings.map((w) => w.code)).toContain('store-clock-behind');
  });

  it('ends a plan against a snapshot with what it is for and how to deploy, not with "Apply with `campaign apply`"', async () => {
    const text = await cli('plan', ...common, '--state', 'snapshot.json');
    expect(text.code).toBe(0);
    const store = (await readStore(file('store.json')))!;
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
      `Planned against the state snapshot "snapshot.json" of store ${store.lineage} at serial ${store.serial}: a snapshot is read-only, for reviewing the impact. ` +
        'To deploy, plan and apply against the store where it lives: `campaign plan --store STORE --out plan.json`, then `campaign apply plan.json --store STORE`.',
    );
    expect(text.stdout).not.toContain('Apply with `campaign apply`');

    const saved = await cli('plan', ...common, '--state', 'snapshot.json', '--out', 'from-snapshot.json');
    expect(saved.stdout.trimEnd().split('\n').at(-1)).toBe(
      `Saved the plan to "from-snapshot.json". It was made against a state snapshot, which cannot be applied to: \`campaign apply from-snapshot.json --store STORE\` applies it to the store the snapshot was exported from (lineage ${store.lineage}) only while that store is still at serial ${store.serial}; once a run or an import has written to it, plan again against the store.`,
    );
    // What it says is what apply does: accepted by the exported store while it is unchanged…
    const accepted = await cli('apply', 'from-snapshot.json', '--workspace', 'campaigns', '--store', 'store.json', '--dry-run');
    expect(accepted.stderr).toBe('');
    expect(accepted.code).toBe(0);
    // …and refused beside the workspace, where there is no store.
    const elsewhere = await cli('apply', 'from-snapshot.json', '--workspace', 'campaigns', '--dry-run');
    expect(elsewhere.stderr).toContain('is stale: the store it was made for no longer exists');
    expect(elsewhere.code).toBe(1);
  });

  it('hashes contact ids with --hash-ids, with the same counts', async () => {
    expect((await cli('state', 'export', '--store', 'store.json', '--out', 'hashed.json', '--hash-ids')).code).toBe(0);
    const snapshot = (await readStore(file('hashed.json')))!;
    expect(snapshot.contacts.every((c) => /^c_[0-9a-f]{16}$/.test(c.id))).toBe(true);
    expect(readFileSync(file('hashed.json'), 'utf8')).not.toMatch(/"c_0\d{5}"/);
    const live = planJson((await cli('plan', ...common, '--store', 'store.json', '--format', 'json')).stdout);
    const hashed = planJson((await cli('plan', ...common, '--state', 'hashed.json', '--format', 'json')).stdout);
    expect(counts(hashed)).toEqual(counts(live));
  });

  it('warns when the workspace reads data the snapshot left out, and keeps fields on request', async () => {
    writeFileSync(file('campaigns/segments/named.ts'), "import { segment } from '../campaign.config';\n\nexport default segment('named', { where: (c) => c.firstName.exists() });\n");
    try {
      const gap = planJson((await cli('plan', ...common, '--state', 'snapshot.json', '--format', 'json')).stdout);
      expect(gap.warnings).toContainEqual({
        code: 'snapshot-missing-data',
        message: 'The state snapshot "snapshot.json" leaves out contact field "firstName", which the workspace reads: contacts are evaluated without it, so the impact may be off. Export the snapshot again with --keep-field, or plan against the store.',
      });
      expect((await cli('state', 'export', '--store', 'store.json', '--out', 'kept.json', '--keep-field', 'firstName')).code).toBe(0);
      const kept = planJson((await cli('plan', ...common, '--state', 'kept.json', '--format', 'json')).stdout);
      expect(kept.warnings.map((w) => w.code)).not.toContain('snapshot-missing-data');
      const live = planJson((await cli('plan', ...common, '--store', 'store.json', '--format', 'json')).stdout);
      expect(kept.impact.segments.find((s) => s.segment === 'named')?.after).toBe(live.impact.segments.find((s) => s.segment === 'named')?.after);
    } finally {
      rmSync(file('campaigns/segments/named.ts'));
    }
  });

  it('refuses to apply a plan whose impact, evaluated again on the store, differs: a snapshot left out a field the workspace reads', async () => {
    writeFileSync(file('campaigns/segments/has-company.ts'), "import { segment } from '../campaign.config';\n\nexport default segment('has-company', { where: (c) => c.company.startsWith('A') });\n");
    writeFileSync(
      file('campaigns/journeys/company-hello.ts'),
      "import { campaign, onSegmentEntry, tag } from '../campaign.config';\nimport hasCompany from '../segments/has-company';\n\nexport default campaign('company-hello', { trigger: onSegmentEntry(hasCompany), steps: [tag('hello', 'hello')] });\n",
    );
    try {
      const planned = await cli('plan', ...common, '--state', 'snapshot.json', '--out', 'without-company.json');
      expect(planned.code).toBe(0);
      const plan = JSON.parse(readFileSync(file('without-company.json'), 'utf8')) as Plan;
      expect(plan.impact.segments.find((s) => s.segment === 'has-company')?.after).toBe(0);
      expect(plan.warnings.map((w) => w.code)).toContain('snapshot-missing-data');
      const live = planJson((await cli('plan', ...common, '--store', 'store.json', '--format', 'json')).stdout);
      const members = live.impact.segments.find((s) => s.segment === 'has-company')!.after!;
      expect(members).toBeGreaterThan(0);

      const bytes = readFileSync(file('store.json'));
      const message = `error: The plan "without-company.json" does not show what applying it would do: it was made against a state snapshot that leaves out data the workspace reads (segment "has-company" after: 0 in the plan, ${members} now). Make a new plan against the store with \`campaign plan --out without-company.json\` and apply that. Nothing was applied.\n`;
      for (const extra of [['--dry-run'], []]) {
        const refused = await cli('apply', 'without-company.json', '--workspace', 'campaigns', '--store', 'store.json', ...extra);
        expect(refused.stdout, extra.join(' ')).toBe('');
        expect(refused.stderr, extra.join(' ')).toBe(message);
        expect(refused.code, extra.join(' ')).toBe(1);
      }
      expect(readFileSync(file('store.json')).equals(bytes)).toBe(true);
      expect(existsSync(file('store.json.lock'))).toBe(false);
    } finally {
      rmSync(file('campaigns/segments/has-company.ts'));
      rmSync(file('campaigns/journeys/company-hello.ts'));
    }
  });

  it('refuses a --keep-field that is not a field of the deployed contact schema, writing nothing', async () => {
    const typo = await cli('state', 'export', '--store', 'store.json', '--out', 'typo.json', '--keep-field', 'firstName', '--keep-field', 'compnay');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/^error: --keep-field "compnay" is not a field of the deployed contact schema \(email, firstName, [^\n]*\)\. Nothing was written\.\n$/);
    expect(existsSync(file('typo.json'))).toBe(false);
  });

  it('says in one line why it cannot write the snapshot (a folder, the store itself)', async () => {
    mkdirSync(file('a-folder'));
    const folder = await cli('state', 'export', '--store', 'store.json', '--out', 'a-folder');
    expect(folder.code).toBe(1);
    expect(folder.stderr).toBe('error: --out "a-folder" is a folder; give the path of a file (in it, or elsewhere). Nothing was written.\n');
    const store = await cli('state', 'export', '--store', 'store.json', '--out', 'store.json');
    expect(store.code).toBe(1);
    expect(store.stderr).toBe('error: --out names the store ("store.json"); write to another file. Nothing was written.\n');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  describe('a snapshot or store edited by hand', () => {
    /** Edits the deployed program or hash of a store file, as a person would (it stays valid JSON). */
    function tamper(from: string, to: string, change: (deployed: { program: unknown; hash: string }) => void): void {
      const doc = JSON.parse(readFileSync(file(from), 'utf8')) as { deployed: { program: unknown; hash: string } };
      change(doc.deployed);
      writeFileSync(file(to), JSON.stringify(doc, null, 2));
    }
    let workspace: Plan;
    beforeAll(async () => {
      expect((await cli('state', 'export', '--store', 'store.json', '--out', 'untouched.json')).code).toBe(0);
      workspace = planJson((await cli('plan', ...common, '--state', 'untouched.json', '--format', 'json')).stdout);
      expect(workspace.summary.changes).toBe(true);
    });

    it('refuses a snapshot whose hash was set to the workspace\'s (it planned "No changes")', async () => {
      tamper('untouched.json', 'edited-hash.json', (deployed) => (deployed.hash = workspace.programHash));
      const run = await cli('plan', ...common, '--state', 'edited-hash.json', '--detailed-exitcode');
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`error: The state snapshot "edited-hash.json" was edited or damaged: its deployed program does not match its hash ${workspace.programHash.slice(0, 12)}. Export it again with \`campaign state export --out edited-hash.json\` where the store lives.\n`);
      expect(run.code).toBe(1);
    });

    it('refuses a snapshot whose program was edited but not its hash (the plan mixed the hash of one program with the changes of another)', async () => {
      tamper('untouched.json', 'edited-program.json', (deployed) => (deployed.program = workspace.program));
      // Planned with the workspace as deployed: the hash matches it, the program does not.
      const run = await cli('plan', '--workspace', EXAMPLE_WORKSPACE, '--no-typecheck', '--now', NOW, '--state', 'edited-program.json', '--detailed-exitcode');
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^error: The state snapshot "edited-program\.json" was edited or damaged: its deployed program does not match its hash [0-9a-f]{12}\. Export it again with `campaign state export --out edited-program\.json` where the store lives\.\n$/);
      expect(run.code).toBe(1);
    });

    it('refuses a store whose hash was edited, for every command, and exports no snapshot of it', async () => {
      tamper('store.json', 'edited-store.json', (deployed) => (deployed.hash = workspace.programHash));
      const message = `error: The store "edited-store.json" was edited or damaged: its deployed program does not match its hash ${workspace.programHash.slice(0, 12)}. Undo the edit or restore the store from a backup; nothing was written.\n`;
      for (const argv of [['plan', ...common], ['state', 'export', '--out', 'from-edited.json'], ['run', '--now', NOW]]) {
        const run = await cli(...argv, '--store', 'edited-store.json');
        expect(run.stderr, argv.join(' ')).toBe(message);
        expect(run.code).toBe(1);
      }
      expect(existsSync(file('from-edited.json'))).toBe(false);
    });
  });

  it('refuses to write a snapshot, to plan with both --state and --store, or without a snapshot', async () => {
    const applied = await cli('apply', ...common, '--store', 'snapshot.json', '--auto-approve');
    expect(applied.code).toBe(1);
    expect(applied.stderr).toBe('error: "snapshot.json" is a state snapshot (`campaign state export`): it is read-only and holds no personal data, so nothing can run on it. Pass the store itself with --store. Nothing was written.\n');
    // Nor anything beside it: a journal of events no run can process, the delivery ledgers.
    mkdirSync(file('snap'), { recursive: true });
    cpSync(file('snapshot.json'), file('snap/snapshot.json'));
    writeFileSync(file('snap/events.jsonl'), '{"contact":"c_000001","event":"page.viewed","at":"2026-11-23T08:00:00Z","data":{"url":"/pricing"}}\n');
    for (const argv of [
      ['track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/pricing"}'],
      ['events', 'ingest', 'snap/events.jsonl'],
      ['run', '--now', '2026-11-24T09:00:00Z'],
    ]) {
      const refused = await cli(...argv, '--workspace', 'campaigns', '--store', 'snap/snapshot.json');
      expect(refused.stderr, argv.join(' ')).toBe('error: "snap/snapshot.json" is a state snapshot (`campaign state export`): it is read-only and holds no personal data, so nothing can run on it. Pass the store itself with --store. Nothing was written.\n');
      expect(refused.code, argv.join(' ')).toBe(1);
      expect(readdirSync(file('snap')).sort(), argv.join(' ')).toEqual(['events.jsonl', 'snapshot.json']);
    }
    const both = await cli('plan', ...common, '--state', 'snapshot.json', '--store', 'store.json');
    expect(both.stderr).toBe('error: --state and --store cannot be used together: plan against the store or against a state snapshot.\n');
    const missing = await cli('plan', ...common, '--state', 'nope.json');
    expect(missing.stderr).toBe('error: There is no state snapshot at "nope.json". Export one where the store lives with `campaign state export --out nope.json` (docs/ci.md).\n');
  });
});
