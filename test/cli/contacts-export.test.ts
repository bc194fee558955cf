import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStore } from '../../src/store/index.ts';
import { CONTACT_FIXTURES, EXAMPLE_WORKSPACE, runCli, tempDir } from '../helpers/run-cli.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const NOW = '2026-03-01T10:00:00.000Z';
const cli = (...argv: string[]) => runCli([...argv, '--workspace', EXAMPLE_WORKSPACE], { cwd: dir });

async function seed(store = 'a.json') {
  for (const file of ['valid.json', 'valid.csv', 'valid.jsonl']) {
    const run = await cli('contacts', 'import', path.join(CONTACT_FIXTURES, file), '--store', store, '--now', NOW);
    expect(run.code, run.stderr).toBe(0);
  }
  // A value CSV must quote, and one with surrounding spaces.
  writeFileSync(path.join(dir, 'extra.json'), JSON.stringify([{ id: 'quote-1', email: 'q@acme.example', firstName: ' Spaced ', company: 'Say "hi", please', companySize: 0, industry: 'media', country: 'GB', plan: 'pro', lifecycleStage: 'sql', signedUpAt: '2026-01-02T09:00:00Z', emailOptIn: true, birthday: '1990-05-17', tags: ['a-b', 'c'] }]));
  expect((await cli('contacts', 'import', 'extra.json', '--store', store, '--now', NOW)).code).toBe(0);
}

describe('contacts export', () => {
  it('refuses an --out in a missing folder, as plan --out and state export --out do, creating nothing', async () => {
    await seed();
    const said = "the folder \"nope\" does not exist; create it first or give another path. Nothing was written.\n";
    expect(await cli('contacts', 'export', '--store', 'a.json', '--out', 'nope/c.csv')).toEqual({ code: 1, stdout: '', stderr: `error: --out "nope/c.csv": ${said}` });
    expect((await cli('state', 'export', '--store', 'a.json', '--out', 'nope/s.json')).stderr).toBe(`error: --out "nope/s.json": ${said}`);
    const plan = await cli('plan', '--no-typecheck', '--store', 'a.json', '--out', 'nope/plan.json');
    expect(plan).toEqual({ code: 1, stdout: '', stderr: `error: --out "nope/plan.json": ${said}` });
    expect((await cli('plan', '--no-typecheck', '--store', 'a.json', '--markdown-out', 'extra.json/plan.md')).stderr).toBe('error: --markdown-out "extra.json/plan.md": the folder "extra.json" is a file, not a folder. Nothing was written.\n');
    expect(existsSync(path.join(dir, 'nope'))).toBe(false);
  });

  it('writes CSV with the import columns to stdout', async () => {
    await seed();
    const run = await cli('contacts', 'export', '--store', 'a.json');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('id,email,firstName,lastName,company,jobTitle,companySize,industry,country,plan,lifecycleStage,timezone,birthday,signedUpAt,trialEndsAt,contractEndsAt,lastActiveAt,emailOptIn,tags');
    expect(run.stdout).toContain('quote-1,q@acme.example," Spaced ",,"Say ""hi"", please",,0,media,GB,pro,sql,,1990-05-17,2026-01-02T09:00:00Z,,,,true,a-b;c');
  });

  for (const format of ['csv', 'json', 'jsonl'] as const) {
    it(`round-trips through ${format}: export, import into a new store, identical contacts`, async () => {
      await seed();
      const out = await cli('contacts', 'export', '--store', 'a.json', '--out', `contacts.${format}`);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toMatch(/^Exported 5 contacts to contacts\.\w+\.\n$/);
      const run = await cli('contacts', 'import', `contacts.${format}`, '--store', 'b.json', '--now', NOW);
      expect(run.code, run.stderr).toBe(0);
      const [a, b] = [(await readStore(path.join(dir, 'a.json')))!, (await readStore(path.join(dir, 'b.json')))!];
      expect(b.contacts).toEqual(a.contacts);
      expect(b.lineage).not.toBe(a.lineage);
    });
  }

  describe('cells a spreadsheet would run as a formula', () => {
    const formulas = { company: '=HYPERLINK("http://evil.example","Click")', jobTitle: '@SUM(1+1)', lastName: "'-already-escaped" };
    async function seedFormulas() {
      await seed();
      const row = { id: 'formula-1', email: 'f@acme.example', ...formulas, companySize: 3, industry: 'media', country: 'GB', plan: 'pro', lifecycleStage: 'sql', signedUpAt: '2026-01-02T09:00:00Z', emailOptIn: true, tags: ['+vip'] };
      writeFileSync(path.join(dir, 'formulas.json'), JSON.stringify([row]));
      expect((await cli('contacts', 'import', 'formulas.json', '--store', 'a.json', '--now', NOW)).code).toBe(0);
    }

    it('start with \' in CSV, and the summary line says how many', async () => {
      await seedFormulas();
      const run = await cli('contacts', 'export', '--store', 'a.json', '--out', 'c.csv');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe("Exported 6 contacts to c.csv; 4 cells that a spreadsheet would run as a formula start with ' (--raw-formulas writes them as they are).\n");
      const line = readFileSync(path.join(dir, 'c.csv'), 'utf8').split('\n').find((l) => l.startsWith('formula-1,'));
      expect(line).toBe(`formula-1,f@acme.example,,''-already-escaped,"'=HYPERLINK(""http://evil.example"",""Click"")",'@SUM(1+1),3,media,GB,pro,sql,,,2026-01-02T09:00:00Z,,,,true,'+vip`);
    });

    it('says so on stderr when the CSV goes to standard output', async () => {
      await seedFormulas();
      const run = await cli('contacts', 'export', '--store', 'a.json');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(",'@SUM(1+1),");
      expect(run.stderr).toBe("note: 4 cells that a spreadsheet would run as a formula start with ' (--raw-formulas writes them as they are).\n");
    });

    it('are written as they are with --raw-formulas, and in JSON', async () => {
      await seedFormulas();
      const raw = await cli('contacts', 'export', '--store', 'a.json', '--raw-formulas');
      expect(raw.stdout).toContain('formula-1,f@acme.example,,\'-already-escaped,"=HYPERLINK(""http://evil.example"",""Click"")",@SUM(1+1),');
      expect(raw.stderr).toBe('');
      const json = await cli('contacts', 'export', '--store', 'a.json', '--format', 'json');
      expect(JSON.parse(json.stdout).find((c: { id: string }) => c.id === 'formula-1')).toMatchObject({ ...formulas, tags: ['+vip'] });
      const both = await cli('contacts', 'export', '--store', 'a.json', '--format', 'json', '--raw-formulas');
      expect(both).toEqual({ code: 1, stdout: '', stderr: 'error: --raw-formulas is for CSV: JSON is written as it is; leave the option out.\n' });
    });

    it('round-trip: importing the CSV export gives the same contacts', async () => {
      await seedFormulas();
      expect((await cli('contacts', 'export', '--store', 'a.json', '--out', 'c.csv')).code).toBe(0);
      const run = await cli('contacts', 'import', 'c.csv', '--store', 'b.json', '--now', NOW);
      expect(run.code, run.stderr).toBe(0);
      const [a, b] = [(await readStore(path.join(dir, 'a.json')))!, (await readStore(path.join(dir, 'b.json')))!];
      expect(b.contacts).toEqual(a.contacts);
    });
  });

  it('writes a JSON array with one contact per line', async () => {
    await seed();
    await cli('contacts', 'export', '--store', 'a.json', '--out', 'c.json');
    const text = readFileSync(path.join(dir, 'c.json'), 'utf8');
    expect(text.startsWith('[\n{"id":')).toBe(true);
    expect(text.endsWith('}\n]\n')).toBe(true);
    expect(JSON.parse(text)).toHaveLength(5);
  });

  it('refuses to write the export over the store or its journal, in one line, changing nothing', async () => {
    await seed();
    writeFileSync(path.join(dir, 'journal.jsonl'), '{"id":"e1"}\n');
    const store = readFileSync(path.join(dir, 'a.json'));
    const onStore = await cli('contacts', 'export', '--store', 'a.json', '--out', 'a.json');
    expect(onStore.code).toBe(1);
    expect(onStore.stderr).toBe('error: --out names the store ("a.json"); write to another file. Nothing was written.\n');
    const onJournal = await cli('contacts', 'export', '--store', 'a.json', '--format', 'jsonl', '--out', 'journal.jsonl');
    expect(onJournal.code).toBe(1);
    expect(onJournal.stderr).toBe('error: --out names the store\'s event journal ("journal.jsonl"); write to another file. Nothing was written.\n');
    const onWebhooks = await cli('contacts', 'export', '--store', 'a.json', '--format', 'jsonl', '--out', 'webhooks.jsonl');
    expect(onWebhooks.code).toBe(1);
    expect(onWebhooks.stderr).toBe('error: --out names the store\'s webhook ledger ("webhooks.jsonl"); write to another file. Nothing was written.\n');
    expect(existsSync(path.join(dir, 'webhooks.jsonl'))).toBe(false);
    expect(readFileSync(path.join(dir, 'a.json')).equals(store)).toBe(true);
    expect(readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')).toBe('{"id":"e1"}\n');
  });

  it('says in one line why it cannot write the file: a folder, a path through a file, a name that is not CSV, JSON or JSONL', async () => {
    await seed();
    mkdirSync(path.join(dir, 'a-folder'));
    const folder = await cli('contacts', 'export', '--store', 'a.json', '--out', 'a-folder');
    expect(folder).toEqual({ code: 1, stdout: '', stderr: 'error: --out "a-folder" is a folder; give the path of a file (in it, or elsewhere). Nothing was written.\n' });
    expect((await cli('state', 'export', '--store', 'a.json', '--out', 'a-folder/')).stderr).toBe('error: --out "a-folder" is a folder; give the path of a file (in it, or elsewhere). Nothing was written.\n');
    // A spreadsheet's name would get CSV in it: refused, unless --format says what to write.
    expect(await cli('contacts', 'export', '--store', 'a.json', '--out', 'contacts.xlsx')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: --out "contacts.xlsx": contacts are exported as CSV, JSON or JSONL; name the file .csv, .json or .jsonl, or give --format. Nothing was written.\n',
    });
    expect(existsSync(path.join(dir, 'contacts.xlsx'))).toBe(false);
    expect((await cli('contacts', 'export', '--store', 'a.json', '--out', 'contacts.v2.data', '--format', 'jsonl')).code).toBe(0);
    const through = await cli('contacts', 'export', '--store', 'a.json', '--out', 'a.json/contacts.csv');
    expect(through.code).toBe(1);
    expect(through.stderr).toBe('error: --out "a.json/contacts.csv": the folder "a.json" is a file, not a folder. Nothing was written.\n');
  });

  it('says so when there is no store', async () => {
    const run = await cli('contacts', 'export', '--store', 'none.json');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: There is no store at "none.json" yet; import contacts first (`campaign contacts import FILE`).\n');
  });
});
