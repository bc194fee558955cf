import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStore, suppressionHash, writeStore } from '../../src/store/index.ts';
import { CONTACT_FIXTURES, EXAMPLE_WORKSPACE, runCli, tempDir } from '../helpers/run-cli.ts';

let dir: string;
let cleanup: () => void;
let store: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  store = path.join(dir, '.campaign', 'store.json');
});
afterEach(() => cleanup());

const NOW = '2026-03-01T10:00:00.000Z';
const cli = (...argv: string[]) => runCli([...argv, '--workspace', EXAMPLE_WORKSPACE, '--store', '.campaign/store.json', '--now', NOW], { cwd: dir });

/** A store with two contacts, plus events, an enrollment, outbox/webhook entries and .eml files for Ada. */
async function seed(): Promise<{ ada: string; bob: string }> {
  expect((await cli('contacts', 'import', path.join(CONTACT_FIXTURES, 'valid.jsonl'))).code).toBe(0);
  const data = (await readStore(store))!;
  const ada = data.contacts.find((c) => c.fields.email === 'ada@acme.example')!.id;
  const bob = data.contacts.find((c) => c.fields.email === 'bob@acme.example')!.id;
  data.events.push(
    { id: 'e1', contact: ada, event: 'page.viewed', at: NOW, data: { url: '/pricing' } },
    { id: 'e2', contact: bob, event: 'page.viewed', at: NOW, data: { url: '/' } },
  );
  data.enrollments.push({ id: `trial-nurture/${ada}/1`, campaign: 'trial-nurture', contact: ada, seq: 1, status: 'active', step: 'welcome', phase: 'waiting', enteredAt: NOW, updatedAt: NOW, wakeAt: null, history: [] });
  const message = (contact: string, to: string) => ({
    key: `trial-nurture/1/${contact}/welcome`, messageId: `<${contact}.welcome@acme.example>`, kind: 'marketing' as const, contact, to, subject: 'Welcome, friend',
    status: 'sent' as const, createdAt: NOW, dueAt: NOW, sentAt: NOW,
  });
  data.outbox.push(message(ada, 'ada@acme.example'), message(bob, 'bob@acme.example'));
  data.webhooks.push({ key: `crm/${ada}`, endpoint: 'crm', contact: ada, status: 'failed', attempts: 3, createdAt: NOW, lastError: 'ada@acme.example rejected', fields: { email: 'ada@acme.example' } });
  await writeStore(store, data);
  const outbox = path.join(dir, '.campaign', 'outbox');
  mkdirSync(outbox);
  writeFileSync(path.join(outbox, '1.eml'), `Message-ID: <${ada}.welcome@acme.example>\nTo: ada@acme.example\n\nHi Ada`);
  writeFileSync(path.join(outbox, '2.eml'), `Message-ID: <${bob}.welcome@acme.example>\nTo: bob@acme.example\n\nHi Bob`);
  writeFileSync(path.join(outbox, '3.eml'), 'To: vada@acme.example\n\nnot Ada');
  return { ada, bob };
}

describe('contacts erase', () => {
  it('removes personal data, redacts kept entries, suppresses the address', async () => {
    const { ada, bob } = await seed();
    const run = await cli('contacts', 'erase', 'ADA@acme.example');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Erased contact ${ada}: 1 event, 1 enrollment, 1 outbox message redacted, 1 webhook delivery redacted, 1 outbox file removed; the address is suppressed.\n`);
    const data = (await readStore(store))!;
    expect(data.contacts.map((c) => c.id)).toEqual([bob]);
    expect(data.events.map((e) => e.id)).toEqual(['e2']);
    expect(data.enrollments).toEqual([]);
    const kept = data.outbox.find((m) => m.contact === ada)!;
    expect(kept).toMatchObject({ key: `trial-nurture/1/${ada}/welcome`, status: 'sent', to: '[erased]', subject: '[erased]' });
    expect(data.outbox.find((m) => m.contact === bob)!.to).toBe('bob@acme.example');
    expect(data.webhooks[0]).toEqual({ key: `crm/${ada}`, endpoint: 'crm', contact: ada, status: 'failed', attempts: 3, createdAt: NOW, erased: true, lastError: 'contact erased' });
    expect(data.suppression).toEqual([{ hash: suppressionHash('ada@acme.example'), reason: 'erased', at: NOW }]);
    expect(data.pending.filter((p) => p.contact === ada)).toEqual([{ contact: ada, at: NOW, kind: 'erased', fields: [], journalErased: true }]);
    const audit = data.audit.at(-1)!;
    expect(audit).toMatchObject({ action: 'erase', actor: 'tester', at: NOW });
    expect(audit.summary).not.toMatch(/ada@/i);
    expect(readFileSync(store, 'utf8')).not.toMatch(/ada@acme/i);
    expect(existsSync(path.join(dir, '.campaign', 'outbox', '1.eml'))).toBe(false);
    expect(existsSync(path.join(dir, '.campaign', 'outbox', '2.eml'))).toBe(true);
    expect(existsSync(path.join(dir, '.campaign', 'outbox', '3.eml'))).toBe(true);
    expect(existsSync(`${store}.lock`)).toBe(false);

    // Importing the address again creates a contact that stays suppressed.
    const again = await cli('contacts', 'import', path.join(CONTACT_FIXTURES, 'valid.jsonl'));
    expect(again.stderr).toContain('warning: 1 imported address is suppressed');
  });

  it("settles the contact's unsent messages and webhooks, so that nothing goes out for whoever is imported under its id later", async () => {
    const { ada } = await seed();
    const data = (await readStore(store))!;
    const due = { kind: 'notification' as const, contact: ada, to: 'sales@acme.example', subject: 'Ada is hot', text: 'Ada', createdAt: NOW, dueAt: NOW };
    data.outbox.push({ ...due, key: `mql-handoff/${ada}/1/alert`, messageId: '<a1@acme.example>', status: 'pending' }, { ...due, key: `mql-handoff/${ada}/1/again`, messageId: '<a2@acme.example>', status: 'failed' });
    data.webhooks[0] = { ...data.webhooks[0]!, status: 'failed', nextAttemptAt: NOW };
    await writeStore(store, data);
    expect((await cli('contacts', 'erase', 'ada@acme.example')).code).toBe(0);
    // Ada is imported again: same email, same id.
    expect((await cli('contacts', 'import', path.join(CONTACT_FIXTURES, 'valid.jsonl'))).code).toBe(0);
    const after = (await readStore(store))!;
    expect(after.contacts.some((c) => c.id === ada)).toBe(true);
    expect(after.outbox.filter((m) => m.contact === ada).map((m) => `${m.status} ${m.reason ?? ''} ${m.to}`)).toEqual(['sent  [erased]', 'skipped contact erased [erased]', 'skipped contact erased [erased]']);
    expect(after.webhooks[0]).toMatchObject({ status: 'failed', erased: true, lastError: 'contact erased' });
    expect(after.webhooks[0]!.nextAttemptAt).toBeUndefined();
  });

  it('redacts the text of team notifications about the contact, which quotes its fields', async () => {
    const { ada } = await seed();
    const data = (await readStore(store))!;
    data.outbox.push({
      key: `threshold/engagement/mql/${ada}/${NOW}/alert-sales`, messageId: `<${ada}.mql@acme.example>`, kind: 'notification', contact: ada,
      to: 'sales@acme.example', subject: 'New MQL: Ada Lovelace', text: 'Ada Lovelace (CTO, Analytical Engines) reached 100 points. Email: ada@acme.example.',
      status: 'sent', createdAt: NOW, dueAt: NOW, sentAt: NOW,
    });
    await writeStore(store, data);
    const run = await cli('contacts', 'erase', ada);
    expect(run.code).toBe(0);
    const kept = (await readStore(store))!.outbox.find((m) => m.kind === 'notification')!;
    expect(kept).toMatchObject({ contact: ada, to: '[erased]', subject: '[erased]', text: '[erased]', status: 'sent' });
    expect(readFileSync(store, 'utf8')).not.toMatch(/ada@acme|Lovelace/i);
  });

  it('shows what would be removed with --dry-run and changes nothing', async () => {
    const { ada } = await seed();
    const bytes = readFileSync(store);
    const run = await cli('contacts', 'erase', ada, '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Would erase contact ${ada} (ada@acme.example):`);
    // Singular for a count of 1, as in the summary of a real erasure.
    expect(run.stdout).toContain(`1 event, 1 enrollment (trial-nurture/${ada}/1), 1 pending change`);
    expect(run.stdout).toContain('personal data of 1 outbox message and 1 webhook delivery (kept, redacted)');
    expect(run.stdout).toContain('1 outbox file: .campaign/outbox/1.eml');
    expect(run.stdout).not.toMatch(/\b1 [a-z ]*?(events|enrollments|changes|messages|deliveries|files|fields|tags)\b/);
    expect(run.stdout).toContain('Dry run: nothing was changed.');
    expect(readFileSync(store).equals(bytes)).toBe(true);
    expect(existsSync(path.join(dir, '.campaign', 'outbox', '1.eml'))).toBe(true);
    expect(existsSync(`${store}.lock`)).toBe(false);
  });

  it("removes the contact's lines from the event journal, keeps everyone else's, and the next run folds those in", async () => {
    const { ada, bob } = await seed();
    expect((await cli('apply', '--auto-approve', '--no-typecheck')).code).toBe(0);
    for (const who of [ada, bob, ada]) expect((await cli('track', 'page.viewed', '--contact', who, '--data', '{"url":"/pricing"}')).code).toBe(0);
    const journal = path.join(dir, '.campaign', 'journal.jsonl');
    const bytes = readFileSync(store);
    const journalBytes = readFileSync(journal);
    const dry = await cli('contacts', 'erase', ada, '--dry-run');
    expect(dry.stdout).toContain('  - 2 lines of the event journal that no run has folded in yet');
    expect(readFileSync(store).equals(bytes) && readFileSync(journal).equals(journalBytes)).toBe(true);

    const run = await cli('contacts', 'erase', ada);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('1 outbox file, 2 journal lines removed; the address is suppressed.');
    expect(readFileSync(journal, 'utf8')).not.toContain(ada);
    const ran = await cli('run');
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const data = (await readStore(store))!;
    expect(data.events.filter((e) => e.data.url === '/pricing').map((e) => e.contact)).toEqual([bob]);
    expect(readFileSync(store, 'utf8')).not.toMatch(/ada@acme|Lovelace/i);
  });

  it('removes the files of events killed ingests and erases left beside the journal, not those of a running one (QA)', async () => {
    const { ada } = await seed();
    const folder = path.join(dir, '.campaign');
    // A process that has ended: its pid runs no more.
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const line = `{"id":"g1","contact":"${ada}","event":"page.viewed","at":"${NOW}","data":{}}\n`;
    const names = { spill: `.journal.jsonl.${gone}.ingest`, rewrite: `.journal.jsonl.${gone}.erase.tmp`, running: '.journal.jsonl.1.ingest' };
    for (const name of Object.values(names)) writeFileSync(path.join(folder, name), line);
    const dry = await cli('contacts', 'erase', ada, '--dry-run');
    expect(dry.stdout).toContain('  - 2 files of events a killed `events ingest` or erase left beside the journal');
    expect(Object.values(names).every((name) => existsSync(path.join(folder, name)))).toBe(true);

    const run = await cli('contacts', 'erase', ada);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 outbox file, 2 files of events a killed `events ingest` or erase left beside the journal removed');
    expect(readdirSync(folder).filter((name) => name.startsWith('.journal.jsonl.'))).toEqual([names.running]);
  });

  describe('a person imported again under the erased id (QA: a back-dated event was dropped or kept depending on whether a run came in between)', () => {
    const at = (time: string) => (...argv: string[]) => runCli([...argv, '--workspace', EXAMPLE_WORKSPACE, '--store', '.campaign/store.json', '--now', time], { cwd: dir });
    /** Ada erased at 11:00 and imported again at 12:00; an event of hers tracked at 13:00, dated 10:30. */
    async function eraseAndReimport(journalErased: boolean): Promise<string> {
      const { ada } = await seed();
      expect((await cli('apply', '--auto-approve', '--no-typecheck')).code).toBe(0);
      expect((await at('2026-03-01T11:00:00.000Z')('contacts', 'erase', ada)).code).toBe(0);
      if (!journalErased) {
        // As when the journal could not be rewritten (locked, damaged), or a version before it was.
        const data = (await readStore(store))!;
        for (const change of data.pending) delete change.journalErased;
        await writeStore(store, data);
      }
      expect((await at('2026-03-01T12:00:00.000Z')('contacts', 'import', path.join(CONTACT_FIXTURES, 'valid.jsonl'))).code).toBe(0);
      const tracked = await at('2026-03-01T13:00:00.000Z')('track', 'page.viewed', '--contact', ada, '--data', '{"url":"/back-dated"}', '--at', '2026-03-01T10:30:00.000Z');
      expect(tracked.code).toBe(0);
      return ada;
    }
    const backDated = async () => (await readStore(store))!.events.filter((e) => e.data.url === '/back-dated').length;

    it('counts events tracked for the new contact after the erasure removed the journal lines, whatever their date', async () => {
      const ada = await eraseAndReimport(true);
      expect((await readStore(store))!.pending.find((p) => p.kind === 'erased')).toMatchObject({ contact: ada, journalErased: true });
      expect((await at('2026-03-01T13:00:00.000Z')('contact', ada)).stdout).toContain('1 event of this contact is in the journal, not run yet (page.viewed at 2026-03-01T10:30Z)');
      expect((await at('2026-03-01T14:00:00.000Z')('run')).code).toBe(0);
      expect(await backDated()).toBe(1);
    });

    it('drops the events dated up to the erasure when the journal lines could not be removed, and campaign contact does not show them as the new contact\'s', async () => {
      const ada = await eraseAndReimport(false);
      expect((await at('2026-03-01T13:00:00.000Z')('contact', ada)).stdout).not.toContain('in the journal, not run yet');
      expect((await at('2026-03-01T14:00:00.000Z')('run')).code).toBe(0);
      expect(await backDated()).toBe(0);
    });
  });

  it('warns about journal lines it cannot remove, and still erases the contact from the store', async () => {
    const { ada } = await seed();
    // Not a journal (no header): a run refuses it too.
    writeFileSync(path.join(dir, '.campaign', 'journal.jsonl'), `{"contact":"${ada}","event":"page.viewed"}\n{"contact":"other"}\n`);
    const run = await cli('contacts', 'erase', ada);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^warning: the contact's lines in \.campaign\/journal\.jsonl were not removed: ".*journal\.jsonl":1 is not a campaignkit event journal header; .* the lines stay in the file until the journal is rotated\.\n$/);
    expect((await readStore(store))!.contacts.map((c) => c.id)).not.toContain(ada);
  });

  it("warns about other contacts' journal lines that mention the address", async () => {
    const { ada, bob } = await seed();
    expect((await cli('track', 'page.viewed', '--contact', bob, '--data', '{"url":"/?ref=ada@acme.example"}')).code).toBe(0);
    const run = await cli('contacts', 'erase', ada);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("warning: .campaign/journal.jsonl still has 1 line that mentions this contact (other contacts' events, or lines that are not valid JSON), kept: `campaign run` folds them in as they are.\n");
  });

  it("removes the temporary files a killed run left holding the contact's messages, not others' (QA: one survived the erasure)", async () => {
    const { ada } = await seed();
    const outbox = path.join(dir, '.campaign', 'outbox');
    // As `createFilesOnce` names them; a SIGKILLed run leaves them whole, To, Subject and body.
    const temp = { ada: `.birthday__${ada}__1__greeting.0a7137aabf.eml.29295.b4c2cf7f.0.tmp`, bob: '.birthday__c_b__1__greeting.1b7137aabf.eml.29295.b4c2cf7f.1.tmp' };
    writeFileSync(path.join(outbox, temp.ada), 'To: ada@acme.example\nSubject: Happy birthday, Ada!\n\nHi Ada');
    writeFileSync(path.join(outbox, temp.bob), 'To: bob@acme.example\nSubject: Happy birthday, Bob!\n\nHi Bob');
    const dry = await cli('contacts', 'erase', ada, '--dry-run');
    expect(dry.stdout).toContain(`2 outbox files: .campaign/outbox/${temp.ada}, .campaign/outbox/1.eml`);
    const run = await cli('contacts', 'erase', ada);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2 outbox files removed');
    expect(readdirSync(outbox).sort()).toEqual([temp.bob, '2.eml', '3.eml'].sort());
  });

  it('finds the address at the end of a sentence: a notification naming the person goes, another contact\'s journal line naming it is warned about (QA)', async () => {
    const { ada, bob } = await seed();
    const outbox = path.join(dir, '.campaign', 'outbox');
    // A run killed before its store write: the file is there, the store does not know the message.
    writeFileSync(path.join(outbox, 'mql.eml'), 'To: sales@acme.example\nSubject: New MQL: Ada Lovelace\n\nAda Lovelace just reached 100 engagement =\npoints. Email: ada@acme.example.\n');
    expect((await cli('track', 'demo.requested', '--contact', bob, '--data', '{"message":"Please also invite ada@acme.example."}')).code).toBe(0);
    const run = await cli('contacts', 'erase', ada);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2 outbox files removed');
    expect(run.stderr).toBe("warning: .campaign/journal.jsonl still has 1 line that mentions this contact (other contacts' events, or lines that are not valid JSON), kept: `campaign run` folds them in as they are.\n");
    expect(existsSync(path.join(outbox, 'mql.eml'))).toBe(false);
  });

  it("warns about other contacts' events in the store's history that mention the contact, as about journal lines (QA)", async () => {
    const { ada, bob } = await seed();
    const data = (await readStore(store))!;
    data.events.push(
      { id: 'e3', contact: bob, event: 'demo.requested', at: NOW, data: { message: 'my colleague Ada@acme.example wants a demo too' } },
      { id: 'e4', contact: bob, event: 'demo.requested', at: NOW, data: { referredBy: ada } },
    );
    await writeStore(store, data);
    const warning = "warning: the event history in .campaign/store.json still has 2 events of other contacts that mention this contact (its address or id in the event's data), kept: edit them in the store by hand if they hold the person's data.\n";
    const dry = await cli('contacts', 'erase', ada, '--dry-run');
    expect(dry.stderr).toBe(warning);
    const run = await cli('contacts', 'erase', ada);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(warning);
    expect(run.stdout).toMatch(new RegExp(`^Erased contact ${ada}: 1 event, `));
    expect((await readStore(store))!.events.map((e) => e.id)).toEqual(['e2', 'e3', 'e4']);
  });

  it("does not refuse a --now before the store's clock: it warns in one line and records the erasure at the clock", async () => {
    const { ada } = await seed();
    const data = (await readStore(store))!;
    const clock = '2026-03-05T00:00:00.000Z';
    data.clock = clock;
    await writeStore(store, data);
    const dry = await cli('contacts', 'erase', ada, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stderr).toBe(`warning: --now is before the store's clock (${clock}); the erasure would be recorded at the store's clock.\n`);
    const run = await cli('contacts', 'erase', ada);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`warning: --now is before the store's clock (${clock}); the erasure is recorded at the store's clock.\n`);
    expect(run.stdout).toMatch(new RegExp(`^Erased contact ${ada}: `));
    const after = (await readStore(store))!;
    expect(after.contacts.some((c) => c.id === ada)).toBe(false);
    expect(after.suppression).toEqual([{ hash: suppressionHash('ada@acme.example'), reason: 'erased', at: clock }]);
    expect(after.pending.filter((p) => p.kind === 'erased')).toEqual([{ contact: ada, at: clock, kind: 'erased', fields: [], journalErased: true }]);
    expect(after.audit.at(-1)).toMatchObject({ action: 'erase', at: clock });
  });

  it('refuses an unknown contact in one line, changing nothing', async () => {
    await seed();
    const bytes = readFileSync(store);
    const run = await cli('contacts', 'erase', 'nobody@acme.example');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: No contact "nobody@acme.example" in the store ".campaign/store.json"; nothing was changed.\n');
    expect(readFileSync(store).equals(bytes)).toBe(true);
    expect(existsSync(`${store}.lock`)).toBe(false);
  });

  it('erases from the store given with --store while the workspace has errors, by its deployed program', async () => {
    const { ada } = await seed();
    expect((await cli('apply', '--auto-approve', '--no-typecheck')).code).toBe(0);
    // Someone's edit in progress: a GDPR erasure must not wait for it.
    const broken = path.join(dir, 'campaigns');
    cpSync(EXAMPLE_WORKSPACE, broken, { recursive: true });
    writeFileSync(path.join(broken, 'journeys', 'welcome.ts'), 'export default campaign(;\n');
    const run = await runCli(['contacts', 'erase', 'ada@acme.example', '--workspace', broken, '--store', '.campaign/store.json', '--now', NOW], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Erased contact ${ada}: `));
    const data = (await readStore(store))!;
    expect(data.contacts.map((c) => c.id)).not.toContain(ada);
    expect(data.suppression.map((s) => s.hash)).toContain(suppressionHash('ada@acme.example'));
  });
});
