import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStore, suppressionHash, writeStore } from '../../src/store/index.ts';
import { CONTACT_FIXTURES, EXAMPLE_WORKSPACE, runCli, tempDir } from '../helpers/run-cli.ts';

let dir: string;
let cleanup: () => void;
let store: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  store = path.join(dir, 'store.json');
});
afterEach(() => cleanup());

const NOW = '2026-03-01T10:00:00.000Z';
const fixture = (name: string) => path.join(CONTACT_FIXTURES, name);

function importFile(file: string, ...extra: string[]) {
  return runCli(['contacts', 'import', file, '--workspace', EXAMPLE_WORKSPACE, '--store', 'store.json', '--now', NOW, ...extra], { cwd: dir });
}

/** Writes a file in the temp dir and returns its name (relative to the temp dir). */
function input(name: string, text: string): string {
  writeFileSync(path.join(dir, name), text);
  return name;
}

const HEADER = 'email,firstName,companySize,industry,country,plan,lifecycleStage,signedUpAt,emailOptIn';
const row = (email: string, extra: Partial<Record<'firstName' | 'companySize' | 'plan', string>> = {}) =>
  `${email},${extra.firstName ?? 'Ann'},${extra.companySize ?? '10'},saas,FR,${extra.plan ?? 'trial'},lead,2026-01-02T09:00:00Z,yes`;

describe('contacts import', () => {
  it('refuses a value nested 100,000 deep in one line, not a stack trace, and writes nothing', async () => {
    const deep = `${'{"a":'.repeat(100_000)}{"__proto__":1}${'}'.repeat(100_000)}`;
    const run = await importFile(input('deep.json', `[{"email":"ada@acme.example","firstName":${deep}}]`));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('deep.json item 1: key "__proto__" is not allowed\nerror: "deep.json" has 1 problem (see above); fix the file and import it again. Nothing was written.\n');
    expect(existsSync(store)).toBe(false);
  });

  it('clips a 2 MB header cell and a huge value in its error lines, and writes nothing', async () => {
    const cell = 'x'.repeat(2_000_000);
    const run = await importFile(input('big.csv', `email,${cell}\nada@acme.example,blue\n`));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`big.csv:1: unknown column "${'x'.repeat(80)}…" (2000000 characters): the contact schema has no such field\nerror: "big.csv" has 1 problem (see above); fix the file and import it again. Nothing was written.\n`);
    const value = await importFile(input('value.csv', `${HEADER}\n${row('ada@acme.example', { companySize: '9'.repeat(5000) + 'x' })}\n`));
    expect(value.stderr).toBe(`value.csv:2: "companySize": "${'9'.repeat(80)}…" (5001 characters) is not a number\nerror: "value.csv" has 1 problem (see above); fix the file and import it again. Nothing was written.\n`);
    expect(existsSync(store)).toBe(false);
  });

  it('imports a CSV file: coerced values, tags, quoted cells, deterministic ids', async () => {
    const run = await importFile(fixture('valid.csv'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Import: 3 created, 0 updated, 0 unchanged.');
    const data = (await readStore(store))!;
    expect(data.serial).toBe(1);
    expect(data.contacts.map((c) => c.id)).toEqual([...data.contacts.map((c) => c.id)].sort());
    const ada = data.contacts.find((c) => c.fields.email === 'ada@acme.example')!;
    expect(ada.id).toBe(`c_${suppressionHash('ada@acme.example').slice(0, 16)}`);
    expect(ada.fields).toEqual({ email: 'ada@acme.example', firstName: 'Ada', lastName: 'Lovelace', companySize: 40, industry: 'saas', country: 'FR', plan: 'trial', lifecycleStage: 'lead', signedUpAt: '2026-01-02T09:00:00Z', emailOptIn: true });
    expect(ada.tags).toEqual(['vip', 'webinar']);
    expect(ada.createdAt).toBe(NOW);
    expect(ada.updatedAt).toBe(NOW);
    const grace = data.contacts.find((c) => c.fields.email === 'grace@hopper.example')!;
    expect(grace.fields.lastName).toBe('Hopper, PhD');
    expect(grace.tags).toEqual([]);
    const linus = data.contacts.find((c) => c.fields.email === 'linus@kernel.example')!;
    expect(linus.fields.lastName).toBe('Multi\nLine');
    expect(linus.fields.emailOptIn).toBe(false);
    expect(data.pending).toEqual(data.contacts.map((c) => ({ contact: c.id, at: NOW, kind: 'created', fields: [] })));
    // The consent given, by contact, even before anything is deployed (the workspace names the field).
    const consented = [ada.id, grace.id].sort().join(', ');
    expect(data.audit).toEqual([{ at: NOW, actor: 'tester', action: 'import', summary: `Imported valid.csv: 3 created, 0 updated, 0 unchanged. Consent (emailOptIn) given for 2 (${consented}).` }]);
    expect(existsSync(`${store}.lock`)).toBe(false);
    expect(readdirSync(dir)).toEqual(['store.json']);
  });

  it('reads a CSV with a byte-order mark and CRLF line ends', async () => {
    const run = await importFile(fixture('bom.csv'));
    expect(run.code, run.stderr).toBe(0);
    expect((await readStore(store))!.contacts[0]!.fields).toMatchObject({ email: 'bom@acme.example', companySize: 5, emailOptIn: false });
  });

  it('imports JSON arrays (with given ids) and JSONL', async () => {
    expect((await importFile(fixture('valid.json'))).code).toBe(0);
    let data = (await readStore(store))!;
    expect(data.contacts.map((c) => c.id)).toContain('crm-42');
    const run = await importFile(fixture('valid.jsonl'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Import: 1 created, 0 updated, 1 unchanged.');
    data = (await readStore(store))!;
    expect(data.contacts).toHaveLength(3);
    expect(data.contacts.find((c) => c.fields.email === 'bob@acme.example')!.tags).toEqual(['newsletter']);
  });

  it('upserts by email (case-insensitive), keeps cells left empty, and leaves unchanged contacts alone', async () => {
    await importFile(input('a.csv', [HEADER, row('ada@acme.example', { companySize: '40' }), row('bob@acme.example')].join('\n')));
    const before = (await readStore(store))!;
    const later = '2026-04-01T00:00:00.000Z';
    const csv = input('b.csv', [HEADER, 'ADA@Acme.example,,55,,,pro,,,', row('bob@acme.example'), row('new@acme.example')].join('\n'));
    const run = await runCli(['contacts', 'import', csv, '-w', EXAMPLE_WORKSPACE, '--store', 'store.json', '--now', later], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Import: 1 created, 1 updated, 1 unchanged.');
    const after = (await readStore(store))!;
    const ada = after.contacts.find((c) => c.fields.email === 'ada@acme.example')!;
    expect(ada.fields).toMatchObject({ companySize: 55, plan: 'pro', firstName: 'Ann' });
    expect(ada.createdAt).toBe(NOW);
    expect(ada.updatedAt).toBe(later);
    const bob = after.contacts.find((c) => c.fields.email === 'bob@acme.example')!;
    expect(bob).toEqual(before.contacts.find((c) => c.id === bob.id));
    expect(after.pending.slice(before.pending.length)).toEqual([
      { contact: ada.id, at: later, kind: 'updated', fields: ['companySize', 'plan'] },
      { contact: after.contacts.find((c) => c.fields.email === 'new@acme.example')!.id, at: later, kind: 'created', fields: [] },
    ].sort((a, b) => a.contact.localeCompare(b.contact)));
    expect(after.serial).toBe(2);
  });

  it('does not write when nothing changes', async () => {
    const file = input('a.csv', [HEADER, row('ada@acme.example')].join('\n'));
    await importFile(file);
    const bytes = readFileSync(store);
    const run = await importFile(file);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Import: 0 created, 0 updated, 1 unchanged.');
    expect(readFileSync(store).equals(bytes)).toBe(true);
  });

  it('applies duplicate rows in order, a later value replacing an earlier one, with one warning', async () => {
    const run = await importFile(input('d.csv', [HEADER, row('ada@acme.example', { plan: 'free' }), row('bob@acme.example'), row('Ada@acme.example', { plan: 'pro' })].join('\n')));
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^warning: contact "c_[0-9a-f]{16}" appears more than once in d\.csv \(line 2, line 4\); its rows apply in order, a later value replacing an earlier one\.\n$/);
    const data = (await readStore(store))!;
    expect(data.contacts).toHaveLength(2);
    expect(data.contacts.find((c) => c.fields.email === 'ada@acme.example')!.fields.plan).toBe('pro');
    const two = await importFile(input('d2.csv', [HEADER, row('ada@acme.example'), row('bob@acme.example'), row('ada@acme.example'), row('bob@acme.example')].join('\n')));
    expect(two.stderr).toMatch(/^warning: 2 contacts appear more than once in d2\.csv, e\.g\. "c_[0-9a-f]{16}" \(line 2, line 4\); each one's rows apply in order, a later value replacing an earlier one\.\n$/);
  });

  it('imports a suppressed address but keeps it suppressed, with a warning', async () => {
    await importFile(input('a.csv', [HEADER, row('bob@acme.example')].join('\n')));
    const data = (await readStore(store))!;
    data.suppression.push({ hash: suppressionHash('ada@acme.example'), reason: 'unsubscribed', at: NOW });
    await writeStore(store, data);
    // Two rows for the one suppressed contact, and one that is not suppressed: one address (QA: it said 2).
    const run = await importFile(input('b.csv', [HEADER, row('ada@acme.example'), row('ada@acme.example'), row('bob@acme.example')].join('\n')));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning: 1 imported address is suppressed');
    const after = (await readStore(store))!;
    expect(after.contacts).toHaveLength(2);
    expect(after.suppression).toHaveLength(1);
  });

  it('clears a field with null in JSON', async () => {
    await importFile(input('a.csv', [HEADER, row('ada@acme.example', { firstName: 'Ada' })].join('\n')));
    const run = await importFile(input('b.json', '[{"email":"ada@acme.example","firstName":null}]'));
    expect(run.code, run.stderr).toBe(0);
    expect((await readStore(store))!.contacts[0]!.fields.firstName).toBeUndefined();
  });

  describe('--dry-run', () => {
    it('prints per-contact diffs and a summary, and leaves the store bytes alone', async () => {
      await importFile(input('a.csv', [HEADER, row('ada@acme.example', { companySize: '40' }), row('bob@acme.example')].join('\n')));
      const bytes = readFileSync(store);
      const run = await importFile(input('b.csv', ['email,companySize,plan', 'ada@acme.example,55,pro', 'bob@acme.example,10,trial', 'new@acme.example,1,free'].join('\n')), '--dry-run');
      // new@ lacks required fields: fix the file so the dry run is valid.
      expect(run.code).toBe(1);
      const ok = input('c.csv', ['email,companySize,plan', 'ada@acme.example,55,pro', 'bob@acme.example,10,trial'].join('\n'));
      const csv = input('d.csv', [HEADER, row('new@acme.example')].join('\n'));
      const dry = await importFile(ok, '--dry-run');
      expect(dry.code, dry.stderr).toBe(0);
      const ada = (await readStore(store))!.contacts.find((c) => c.fields.email === 'ada@acme.example')!;
      expect(dry.stdout).toBe(`~ ${ada.id}: companySize 40 → 55, plan "trial" → "pro"\nImport: 0 to create, 1 to update, 1 unchanged.\nDry run: nothing was written.\n`);
      const create = await importFile(csv, '--dry-run');
      expect(create.stdout).toMatch(/^\+ c_[0-9a-f]{16} new@acme\.example\nImport: 1 to create, 0 to update, 0 unchanged\./);
      expect(readFileSync(store).equals(bytes)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['a.csv', 'b.csv', 'c.csv', 'd.csv', 'store.json']);
    });

    it('shows the first 50 contacts, or --limit N, then how many more: not one line per row of a 100k-row file', async () => {
      const rows = Array.from({ length: 53 }, (_, i) => row(`u${String(i).padStart(2, '0')}@acme.example`));
      const file = input('many.csv', [HEADER, ...rows].join('\n'));
      const dry = await importFile(file, '--dry-run');
      expect(dry.code, dry.stderr).toBe(0);
      const lines = dry.stdout.trimEnd().split('\n');
      expect(lines.filter((line) => line.startsWith('+ '))).toHaveLength(50);
      expect(lines.slice(-3)).toEqual(['… and 3 more contacts (use --limit or --json to see all).', 'Import: 53 to create, 0 to update, 0 unchanged.', 'Dry run: nothing was written.']);
      const two = await importFile(file, '--dry-run', '--limit', '2');
      expect(two.stdout.split('\n').filter((line) => line.startsWith('+ '))).toHaveLength(2);
      expect(two.stdout).toContain('… and 51 more contacts (use --limit or --json to see all).');
      const json = await importFile(file, '--dry-run', '--json', '--limit', '2');
      expect(JSON.parse(json.stdout).changes).toHaveLength(53);
      const real = await importFile(file, '--limit', '2');
      expect(real.code).toBe(1);
      expect(real.stderr).toBe('error: --limit sets how many contacts --dry-run shows; add --dry-run, or leave --limit out.\n');
      expect(existsSync(store)).toBe(false);
    });

    it('creates no store and no lock file', async () => {
      const run = await importFile(fixture('valid.csv'), '--dry-run');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Import: 3 to create, 0 to update, 0 unchanged.');
      expect(readdirSync(dir)).toEqual([]);
    });

    it('gives the same as data with --json', async () => {
      const run = await importFile(fixture('valid.json'), '--dry-run', '--json');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report).toMatchObject({ reportVersion: 1, dryRun: true, file: expect.stringContaining('valid.json'), store: 'store.json', summary: { rows: 2, create: 2, update: 0, unchanged: 0 }, warnings: [] });
      expect(report.changes[0]).toMatchObject({ op: 'create', id: expect.any(String), fields: { email: expect.any(String) } });
      expect(existsSync(store)).toBe(false);
    });
  });

  describe('broken input: row-level errors, nothing written', () => {
    let bytes: Buffer;
    beforeEach(async () => {
      await importFile(input('seed.csv', [HEADER, row('seed@acme.example')].join('\n')));
      bytes = readFileSync(store);
    });
    afterEach(() => {
      expect(readFileSync(store).equals(bytes)).toBe(true);
      expect(existsSync(`${store}.lock`)).toBe(false);
    });

    const cases: [string, string[]][] = [
      [
        'invalid-rows.csv',
        [
          'invalid-rows.csv:3: "email": invalid email address (got "not-an-email")',
          'invalid-rows.csv:4: "companySize": "forty" is not a number',
          'invalid-rows.csv:4: "emailOptIn": "maybe" is not a yes/no value (use true/false, yes/no or 1/0)',
          'invalid-rows.csv:4: "plan": invalid option: expected one of "free"|"trial"|"pro"|"enterprise"|"churned" (got "gold")',
          'invalid-rows.csv:6: the row has 7 cells but the header has 9 columns',
          'invalid-rows.csv:6: "signedUpAt" and "emailOptIn" are required',
        ],
      ],
      ['unknown-column.csv', ['unknown-column.csv:1: unknown column "favouriteColour": the contact schema has no such field']],
      ['unclosed-quote.csv', ['unclosed-quote.csv:3: malformed CSV: unclosed quote (a quoted cell never ends; check for a missing ")']],
      ['proto.json', ['proto.json item 2: key "__proto__" is not allowed', 'proto.json item 3: expected a contact object, got string']],
      ['broken.jsonl', ['broken.jsonl:2: malformed JSON: expected double-quoted property name', 'broken.jsonl:4: "companySize": too small: expected number to be >=0 (got -3)']],
    ];
    for (const [name, expected] of cases) {
      it(name, async () => {
        copyFileSync(fixture(name), path.join(dir, name));
        const run = await importFile(name);
        expect(run.code).toBe(1);
        expect(run.stdout).toBe('');
        const count = expected.length === 1 ? '1 problem' : `${expected.length} problems`;
        expect(run.stderr.trimEnd().split('\n')).toEqual([...expected, `error: "${name}" has ${count} (see above); fix the file and import it again. Nothing was written.`]);
      });
    }

    it('refuses a NUL character in a CSV cell or a JSON value in one line naming the row and the field', async () => {
      const csv = await importFile(input('nul.csv', [HEADER, row('ada@acme.example'), row('bob@acme.example', { firstName: 'B\u0000ob' })].join('\n')));
      expect(csv.code).toBe(1);
      expect(csv.stdout).toBe('');
      expect(csv.stderr.trimEnd().split('\n')).toEqual([
        'nul.csv:3: "firstName": contains a NUL character (U+0000); remove it',
        'error: "nul.csv" has 1 problem (see above); fix the file and import it again. Nothing was written.',
      ]);
      const jsonl = await importFile(input('nul.jsonl', '{"email":"ada@acme.example","firstName":"A\\u0000da"}\n'));
      expect(jsonl.code).toBe(1);
      expect(jsonl.stderr.split('\n')[0]).toBe('nul.jsonl:1: "firstName": contains a NUL character (U+0000); remove it');
    });

    it('refuses __proto__ hidden in a nested value', async () => {
      const run = await importFile(input('n.json', '[{"email":"a@b.example","tags":[{"constructor":1}]}]'));
      expect(run.stderr).toContain('n.json item 1: key "constructor" is not allowed');
    });

    it('shows at most 20 errors, then how many more', async () => {
      const rows = Array.from({ length: 25 }, (_, i) => `bad${i},x,1,saas,FR,trial,lead,2026-01-02T09:00:00Z,yes`);
      const run = await importFile(input('many.csv', [HEADER, ...rows].join('\n')));
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(22);
      expect(lines[0]).toBe('many.csv:2: "email": invalid email address (got "bad0")');
      expect(lines[20]).toBe('… and 5 more');
      expect(lines[21]).toBe('error: "many.csv" has 25 problems (see above); fix the file and import it again. Nothing was written.');
    });

    it('refuses an email that belongs to another contact', async () => {
      const data = (await readStore(store))!;
      const run = await importFile(input('x.json', `[{"id":"other","email":"seed@acme.example"}]`));
      expect(run.stderr).toContain(`x.json item 1: "email": "seed@acme.example" already belongs to contact "${data.contacts[0]!.id}"; use that id, or change the address`);
    });

    it('says when a CSV file is not comma-separated', async () => {
      const run = await importFile(input('semi.csv', 'email;firstName\nada@acme.example;Ada\n'));
      expect(run.stderr.split('\n')[0]).toBe('semi.csv:1: the columns are separated by ";"; save the file as comma-separated CSV');
    });

    it('refuses a --now or CAMPAIGN_NOW that is not a time', async () => {
      const file = input('a.csv', [HEADER, row('z@acme.example')].join('\n'));
      expect((await runCli(['contacts', 'import', file, '-w', EXAMPLE_WORKSPACE, '--store', 'store.json', '--now', 'yesterday'], { cwd: dir })).stderr).toBe('error: --now "yesterday" is not an ISO 8601 date-time with a zone; use e.g. 2026-11-23T09:00:00Z.\n');
      const env = await runCli(['contacts', 'import', file, '-w', EXAMPLE_WORKSPACE, '--store', 'store.json'], { cwd: dir, env: { CAMPAIGN_NOW: '2026-13-45' } });
      expect(env.stderr).toBe('error: CAMPAIGN_NOW "2026-13-45" is not an ISO 8601 date-time with a zone; use e.g. 2026-11-23T09:00:00Z.\n');
    });

    it('refuses files over the size limit', async () => {
      const run = await importFile(input('big.csv', `${HEADER}\n${'x'.repeat(1024 * 1024 + 10)}`), '--max-size', '1');
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('error: "big.csv" is 1 MB, over the 1 MB import limit; split it into smaller files and import them one after another (or raise --max-size).\n');
      // Below 1 MB the limit would refuse every file ("is 0 MB, over the 0 MB limit").
      expect((await importFile(input('small.csv', HEADER), '--max-size', '0.0001')).stderr).toMatch(/^error: --max-size "0.0001" must be a number of megabytes between 1 and \d+\.\n$/);
    });

    it('refuses unknown formats and missing files in one line', async () => {
      expect((await importFile('contacts.xlsx')).stderr).toBe('error: Cannot tell the format of "contacts.xlsx" from its extension; pass --format csv, json or jsonl.\n');
      expect((await importFile('missing.csv')).stderr).toBe('error: Cannot read "missing.csv": no such file.\n');
      expect((await importFile('x.csv', '--format', 'xml')).stderr).toBe('error: Unknown format "xml": use csv, json or jsonl.\n');
    });

    it('refuses while another command holds the lock', async () => {
      writeFileSync(`${store}.lock`, JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), purpose: 'campaign apply', since: NOW }));
      const run = await importFile(input('a.csv', [HEADER, row('z@acme.example')].join('\n')));
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`error: The store is locked by campaign apply (pid ${process.pid}) since ${NOW}; wait for it to finish, or remove "store.json.lock" if that process is gone.\n`);
      (await import('node:fs')).unlinkSync(`${store}.lock`);
    });

    it('refuses a file that is not UTF-8 (a Latin-1 export), at the line and column of the first bad byte', async () => {
      // "é" saved as Latin-1 is the single byte 0xE9, which UTF-8 decoding used to turn into U+FFFD.
      const csv = input('latin1.csv', '');
      writeFileSync(path.join(dir, csv), Buffer.from([HEADER, row('ada@acme.example', { firstName: 'Zoé' })].join('\n'), 'latin1'));
      for (const extra of [[], ['--dry-run']]) {
        const run = await importFile(csv, ...extra);
        expect(run.code).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr.trimEnd().split('\n')).toEqual([
          'latin1.csv:2: not valid UTF-8 (byte 0xE9 at column 20); save the file as UTF-8',
          'error: "latin1.csv" has 1 problem (see above); fix the file and import it again. Nothing was written.',
        ]);
      }
      const jsonl = input('bad.jsonl', '');
      writeFileSync(path.join(dir, jsonl), Buffer.concat([Buffer.from('{"email":"a@acme.example"}\n{"email":"b@acme.example","firstName":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]));
      expect((await importFile(jsonl)).stderr.split('\n')[0]).toBe('bad.jsonl:2: not valid UTF-8 (byte 0xFF at column 40); save the file as UTF-8');
      const json = input('bad.json', '');
      writeFileSync(path.join(dir, json), Buffer.from('[{"email":"a@acme.example","firstName":"Zoé"}]', 'latin1'));
      expect((await importFile(json)).stderr.split('\n')[0]).toBe('bad.json:1: not valid UTF-8 (byte 0xE9 at column 43); save the file as UTF-8');
    });

    it('refuses a time zone the runtime does not know, in CSV and JSON', async () => {
      const csv = input('tz.csv', [`${HEADER},timezone`, `${row('ada@acme.example')},Europe/Paris`, `${row('bob@acme.example')},Not/AZone`, `${row('cy@acme.example')},`].join('\n'));
      const run = await importFile(csv);
      expect(run.code).toBe(1);
      expect(run.stderr.trimEnd().split('\n')).toEqual([
        'tz.csv:3: "timezone": unknown time zone "Not/AZone"; use an IANA name such as "Europe/Paris"',
        'error: "tz.csv" has 1 problem (see above); fix the file and import it again. Nothing was written.',
      ]);
      const json = input('tz.json', JSON.stringify([{ id: 'c_009002', email: 'a@b.example', companySize: 1, industry: 'saas', country: 'FR', plan: 'free', lifecycleStage: 'lead', signedUpAt: '2026-01-01T00:00:00Z', emailOptIn: true, timezone: 'Not/AZone' }]));
      const fromJson = await importFile(json);
      expect(fromJson.code).toBe(1);
      expect(fromJson.stderr.split('\n')[0]).toBe('tz.json item 1: "timezone": unknown time zone "Not/AZone"; use an IANA name such as "Europe/Paris"');
    });
  });

  it('stores a time zone typed in the wrong case as the IANA name, which `campaign contact` shows', async () => {
    const csv = input('tz.csv', [`${HEADER},timezone`, `${row('ada@acme.example')},europe/london`].join('\n'));
    const run = await importFile(csv);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const data = (await readStore(store))!;
    expect(data.contacts[0]!.fields.timezone).toBe('Europe/London');
    const explained = await runCli(['contact', 'ada@acme.example', '--workspace', EXAMPLE_WORKSPACE, '--store', 'store.json', '--now', NOW], { cwd: dir });
    expect(explained.stdout).toContain('time zone Europe/London');
    expect((await importFile(input('again.csv', [`${HEADER},timezone`, `${row('ada@acme.example')},EUROPE/LONDON`].join('\n')))).stdout).toContain('Import: 0 created, 0 updated, 1 unchanged.');
  });

  it("refuses a time before the store's clock (a run went up to it), with --now, CAMPAIGN_NOW or the system clock, writing nothing", async () => {
    expect((await importFile(input('seed.csv', [HEADER, row('seed@acme.example')].join('\n')))).code).toBe(0);
    const data = (await readStore(store))!;
    // What a simulation run past the end of next year leaves: its clock there, ahead of the system clock.
    const year = new Date().getUTCFullYear() + 1;
    data.clock = `${year}-12-31T00:00:00.000Z`;
    await writeStore(store, data, { now: () => new Date(`${year}-11-01T00:00:00Z`) });
    const bytes = readFileSync(store);
    const file = input('late.csv', [HEADER, row('late@acme.example')].join('\n'));
    const clock = `the store's clock (${data.clock}): a run has processed the store up to then, and an import cannot be recorded earlier. Give --now ${data.clock} or later.`;
    for (const extra of [[], ['--dry-run']]) {
      const run = await runCli(['contacts', 'import', file, '-w', EXAMPLE_WORKSPACE, '--store', 'store.json', '--now', `${year}-12-30T23:59:59Z`, ...extra], { cwd: dir });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`error: --now is before ${clock}\n`);
    }
    const env = await runCli(['contacts', 'import', file, '-w', EXAMPLE_WORKSPACE, '--store', 'store.json'], { cwd: dir, env: { CAMPAIGN_NOW: '2026-08-01T00:00:00Z' } });
    expect(env.stderr).toBe(`error: CAMPAIGN_NOW is before ${clock}\n`);
    const system = await runCli(['contacts', 'import', file, '-w', EXAMPLE_WORKSPACE, '--store', 'store.json'], { cwd: dir });
    expect(system.code).toBe(1);
    expect(system.stderr).toMatch(/^error: The current time \(\S+Z\) is before the store's clock/);
    expect(readFileSync(store).equals(bytes)).toBe(true);
    expect(existsSync(`${store}.lock`)).toBe(false);
    const atClock = await runCli(['contacts', 'import', file, '-w', EXAMPLE_WORKSPACE, '--store', 'store.json', '--now', data.clock], { cwd: dir });
    expect(atClock.code, atClock.stderr).toBe(0);
    expect((await readStore(store))!.savedAt).toBe(data.clock);
  });

  it('refuses a corrupt store without touching it', async () => {
    writeFileSync(store, '{"format":"campaignkit-store","formatVersion":1,\n"contacts":[\n{"id":');
    const run = await importFile(fixture('valid.csv'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: The store "store\.json" is not valid JSON \(line 3: .*\)\. Fix that, or restore the store from a backup \(see \"A corrupt store\" in docs\/store-format\.md: deleting it would lose its suppression list\); nothing was written\.\n$/);
    expect(readFileSync(store, 'utf8')).toBe('{"format":"campaignkit-store","formatVersion":1,\n"contacts":[\n{"id":');
    expect(existsSync(`${store}.lock`)).toBe(false);
  });

  it('takes the time from CAMPAIGN_NOW', async () => {
    const file = input('a.csv', [HEADER, row('z@acme.example')].join('\n'));
    const run = await runCli(['contacts', 'import', file, '-w', EXAMPLE_WORKSPACE, '--store', 'store.json'], { cwd: dir, env: { CAMPAIGN_NOW: '2026-05-06T07:08:09Z' } });
    expect(run.code, run.stderr).toBe(0);
    expect((await readStore(store))!.contacts[0]!.createdAt).toBe('2026-05-06T07:08:09.000Z');
  });

  it('shows a progress bar on a TTY for large files only', async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => row(`p${i}@acme.example`));
    const file = input('big.csv', [HEADER, ...rows].join('\n'));
    const tty = await runCli(['contacts', 'import', file, '-w', EXAMPLE_WORKSPACE, '--store', 'store.json', '--dry-run'], { cwd: dir, stderrTTY: true });
    expect(tty.stderr).toContain('Importing big.csv');
    expect(tty.stderr).toContain('100%');
    const pipe = await runCli(['contacts', 'import', file, '-w', EXAMPLE_WORKSPACE, '--store', 'store.json', '--dry-run'], { cwd: dir });
    expect(pipe.stderr).toBe('');
  });
});
