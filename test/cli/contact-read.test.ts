import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { contactSelector } from '../../src/runtime/contact-selector.ts';
import { explainContact, findContact } from '../../src/runtime/explain.ts';
import { auditId } from '../../src/store/audit.ts';
import { contactIdForEmail, readStore, readStorePart, suppressionHash, writeStore, type StoreData } from '../../src/store/index.ts';
import { buildExampleStore } from '../helpers/example-store.ts';
import { ROOT } from '../helpers/runtime-cli.ts';

/**
 * `campaign contact` parses only the store lines that can concern the contact (`contactSelector`).
 * Its output must be the one of a full read: the same store written as one line of plain JSON is
 * read whole (it is not in the line layout), so both files are explained and compared.
 */

let dir = '';
let ids: string[] = [];
let emails: string[] = [];

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv: [...argv, '--workspace', path.join(ROOT, 'campaigns')],
    cwd: dir,
    env: { NO_COLOR: '1', CAMPAIGN_ACTOR: 'test' },
    stdin: process.stdin as never,
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false } as never,
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false } as never,
  });
  return { code, stdout, stderr };
}

/** A copy of contact `from` under another id and address, with copies of its events. */
function twin(data: StoreData, from: string, id: string, email: string): void {
  const source = data.contacts.find((c) => c.id === from)!;
  data.contacts.push({ ...structuredClone(source), id, fields: { ...source.fields, email } });
  const events = data.events.filter((e) => e.contact === from).map((e) => ({ ...e, id: `${e.id}-${id}`, contact: id }));
  data.events.push(...events);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ck-contact-read-'));
  const { data } = await buildExampleStore({ contacts: 120, events: 3000 });
  const first = data.contacts[0]!.id; // c_000001
  const email = data.contacts[0]!.fields.email as string;
  // Ids that contain one another, and addresses that do (in another case).
  twin(data, first, 'c_00000', `x${email}`);
  twin(data, first, `${first}0`, email.toUpperCase().replace('@', '.b@'));
  twin(data, first, `${first}@`, `B${email.toUpperCase()}`);
  data.contacts.sort((a, b) => (a.id < b.id ? -1 : 1));
  // A suppressed address, and an enrollment queued by `campaign enroll`.
  const third = data.contacts[5]!;
  data.suppression.push({ hash: suppressionHash(third.fields.email as string), reason: 'unsubscribed', at: '2026-09-01T00:00:00.000Z' });
  data.suppression.sort((a, b) => (a.hash < b.hash ? -1 : 1));
  data.pending.push({ contact: third.id, at: '2026-10-01T00:00:00.000Z', kind: 'enroll', fields: [], campaign: data.deployed!.program.campaigns[0]!.id, by: 'ada' });
  // An import's audit entry naming many contacts' consent, the one with an id of an address by its audit id.
  const named = data.contacts.slice(0, 60).map((c) => auditId(c.id));
  data.audit.push({ at: '2026-08-02T00:00:00.000Z', actor: 'ada', action: 'import', summary: `Imported crm.csv: 0 created, 60 updated, 0 unchanged. Consent (emailOptIn) given for 60 (${named.join(', ')}).` });
  await writeStore(path.join(dir, 'store.json'), data);
  ids = data.contacts.map((c) => c.id);
  emails = data.contacts.map((c) => c.fields.email as string);

  // An erased contact, and events of another accepted into the journal but not run.
  expect((await cli('contacts', 'erase', ids[9]!, '--store', 'store.json')).code).toBe(0);
  const tracked = await cli('track', 'page.viewed', '--contact', ids[3]!, '--data', '{"url":"/pricing"}', '--store', 'store.json');
  expect(tracked.code, tracked.stderr).toBe(0);

  // A hand edit that keeps the layout but spells an id and an address with escapes JSON.stringify never writes.
  const edited = readFileSync(path.join(dir, 'store.json'), 'utf8')
    .replaceAll(`"${ids[20]}"`, `"\\u0063${ids[20]!.slice(1)}"`)
    .replace(`"${emails[21]}"`, `"${emails[21]!.replace('@', '\\u0040').replace('.', '\\u002E')}"`);
  writeFileSync(path.join(dir, 'store.json'), edited);
  writeFileSync(path.join(dir, 'plain.json'), JSON.stringify(JSON.parse(edited)));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('campaign contact reads only the lines of one contact', () => {
  it('explains every contact, by id and by email, as a full read does', async () => {
    const fast = (who: string) => readStorePart(path.join(dir, 'store.json'), contactSelector(who, 'email'));
    const full = (await readStore(path.join(dir, 'plain.json')))!;
    const program = full.deployed!.program;
    const now = Date.parse(full.clock!);
    const explained = (data: StoreData, who: string) => {
      const record = findContact(data, program, who);
      return record ? JSON.stringify(explainContact(data, program, record, now)) : 'none';
    };
    // The audit log's name of the contact whose id holds an "@" (`auditId`), and one of no contact.
    const wanted = [...ids, ...emails, ` ${emails[7]!.toUpperCase()} `, 'c_999999', 'nobody@nowhere.example', 'c_0000', auditId(ids.find((i) => i.endsWith('@'))!), auditId('nobody@nowhere.example'), contactIdForEmail(ids.find((i) => i.endsWith('@'))!)];
    let found = 0;
    for (const who of wanted) {
      const expected = explained(full, who);
      if (expected !== 'none') found++;
      expect(explained((await fast(who))!, who), who).toBe(expected);
    }
    expect(found).toBe(ids.length * 2 - 2 + 2); // all but the erased contact's id and address
  }, 120_000);

  it('prints what a full read prints', async () => {
    const wanted = [ids[0]!, ids[1]!, ids[2]!, ids[3]!, ids[5]!, ids[20]!, emails[0]!, emails[2]!, emails[21]!, ` ${emails[7]!.toUpperCase()} `, emails[9]!, 'c_999999', 'c_0000', auditId(ids.find((i) => i.endsWith('@'))!)];
    for (const [i, who] of wanted.entries()) {
      const format = i % 3 === 0 ? ['--format', 'json'] : [];
      const fast = await cli('contact', who, ...format, '--store', 'store.json');
      const full = await cli('contact', who, ...format, '--store', 'plain.json');
      expect(fast, who).toEqual({ ...full, stderr: full.stderr.replaceAll('plain.json', 'store.json') });
    }
  }, 120_000);

  it('covers what the explanation shows: suppression, queued enrollment, journal events, erasure', async () => {
    expect((await cli('contact', ids[5]!, '--store', 'store.json')).stdout).toMatch(/suppression list \(unsubscribed/);
    expect((await cli('contact', ids[5]!, '--format', 'json', '--store', 'store.json')).stdout).toMatch(/"queued": \[\n\s+\{\n\s+"campaign"/);
    expect((await cli('contact', ids[3]!, '--store', 'store.json')).stdout).toMatch(/1 event of this contact is in the journal, not run yet/);
    expect((await cli('contact', ids[20]!, '--store', 'store.json')).stdout).toMatch(/Journeys/);
    expect((await cli('contact', emails[9]!, '--store', 'store.json')).stderr).toMatch(/No contact/);
    expect((await cli('contact', ids[5]!, '--store', 'store.json')).stdout).toContain(`Audit log (entries naming this contact, newest first)\n  2026-08-02T00:00Z import by ada: Imported crm.csv: 0 created, 60 updated, 0 unchanged. Consent (emailOptIn) given for 60 (${ids[5]} and 59 others).`);
    expect(JSON.parse((await cli('contact', ids[70]!, '--format', 'json', '--store', 'store.json')).stdout).audit).toEqual([]);
  }, 60_000);

  it('finds a contact whose id is an address by the id the audit log names it with', async () => {
    const id = ids.find((i) => i.endsWith('@'))!;
    const named = await cli('contact', auditId(id), '--store', 'store.json');
    expect(named.code, named.stderr).toBe(0);
    expect(named).toEqual(await cli('contact', id, '--store', 'store.json'));
  }, 60_000);

  it('campaign track resolves its contact from the same kind of read', async () => {
    for (const [who, id] of [[` ${emails[2]!.toUpperCase()} `, ids[2]], [emails[21]!, ids[21]], [ids[20]!, ids[20]], [ids[0]!, ids[0]]] as const) {
      const tracked = await cli('track', 'page.viewed', '--contact', who, '--data', '{"url":"/"}', '--store', 'store.json');
      expect(tracked.stdout, who).toContain(`Accepted page.viewed for ${id} at`);
    }
    expect((await cli('track', 'page.viewed', '--contact', emails[9]!, '--data', '{"url":"/"}', '--store', 'store.json')).stderr).toMatch(/unknown contact/);
  }, 60_000);

  it('parses a fraction of the store, and never writes what it read', async () => {
    const file = path.join(dir, 'store.json');
    const full = (await readStore(file))!;
    const part = (await readStorePart(file, contactSelector(ids[40]!, 'email')))!;
    // And the two lines edited by hand, which hold escapes.
    expect(part.contacts.map((c) => c.id)).toEqual([ids[20], ids[21], ids[40]]);
    const ofEither = (e: { contact: string }) => e.contact === ids[40] || e.contact === ids[20];
    expect(part.events).toEqual(full.events.filter(ofEither));
    expect(part.enrollments).toEqual(full.enrollments.filter(ofEither));
    // The audit entries naming it (the import's), not the others (the erasure's).
    expect(part.audit.map((a) => a.action)).toEqual(['import']);
    expect(full.audit.length).toBeGreaterThan(part.audit.length);
    expect(part.events.length).toBeLessThan(full.events.length / 20);
    await expect(writeStore(file, part)).rejects.toThrow(/this is a bug/);
  });
});
