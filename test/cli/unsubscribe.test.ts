import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireStoreLock, readStore, writeStore } from '../../src/store/index.ts';
import { suppressionHash } from '../../src/store/suppression.ts';
import { unsubscribeToken } from '../../src/runtime/deliver/unsubscribe-token.ts';
import { appendUnsubscribes, type JournalUnsubscribe } from '../../src/runtime/journal.ts';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';
import { linkFor, ranTo } from '../helpers/unsubscribe-links.ts';

const workspace = runtimeCliWorkspace();
const { cli, cliWith, copyBase } = workspace;

const T = '2026-09-01T00:00:00Z';
const U = '2026-11-30T00:00:00Z';

const ranToT = () => ranTo(workspace, T);

/** Marketing emails sent, created after (or up to) T. */
const marketing = async (dir: string, after: boolean) =>
  (await readStore(path.join(dir, 'store.json')))!.outbox.filter((m) => m.kind === 'marketing' && m.status === 'sent' && m.createdAt > '2026-09-01T00:00:00.000Z' === after);

describe('campaign unsubscribe', () => {
  it('makes a plan saved before the click stale: apply refuses it, as for a tracked event (QA: the stale plan enrolled the contact who had unsubscribed)', async () => {
    const dir = await ranToT();
    const plan = ['plan', '--store', 'store.json', '--now', T, '--no-typecheck', '--out', 'plan.json'];
    expect((await cli(dir, ...plan)).code).toBe(0);
    const contact = (await readStore(path.join(dir, 'store.json')))!.outbox.find((m) => m.kind === 'marketing' && m.status === 'sent')!.contact;
    expect((await cli(dir, 'unsubscribe', linkFor(dir, contact), '--now', T, '--store', 'store.json')).code).toBe(0);
    const stale = await cli(dir, 'apply', 'plan.json', '--store', 'store.json');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toBe('error: The plan "plan.json" is stale: 1 unsubscribe click arrived in the journal since it was made, which it does not take into account. Run `campaign run`, then `campaign plan --out plan.json` again and apply the new plan. Nothing was applied.\n');
    // Planned again, it counts the click (and warns of it); then it applies.
    expect((await cli(dir, ...plan)).stdout).toContain('unsubscribe click that no run has applied yet');
    expect(JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')).store.unprocessedUnsubscribes).toBe(1);
    const applied = await cli(dir, 'apply', 'plan.json', '--store', 'store.json');
    expect(applied.code, applied.stderr).toBe(0);
  });

  it('records the link of a delivered email in the journal, without waiting for a run; the next run suppresses the address and withdraws consent before it sends, and later runs send that contact no marketing email', async () => {
    // Without the unsubscribe, a contact who got marketing email before T gets more after it.
    const reference = await ranToT();
    expect((await cli(reference, 'run', '--now', T, '--until', U, '--store', 'store.json')).code).toBe(0);
    const before = new Set((await marketing(reference, false)).map((m) => m.contact));
    const contact = (await marketing(reference, true)).map((m) => m.contact).find((id) => before.has(id))!;
    expect(contact).toBeDefined();

    const dir = await ranToT();
    const store = path.join(dir, 'store.json');
    const bytes = readFileSync(store);
    const link = linkFor(dir, contact);
    // A run in progress holds the store's lock: the click does not wait for it.
    const run = acquireStoreLock(store, 'campaign run');
    let done: Awaited<ReturnType<typeof cli>>;
    try {
      done = await cliWith({ CAMPAIGN_ACTOR: 'web' }, dir, 'unsubscribe', link, '--now', '2026-09-01T08:00:00Z', '--store', 'store.json');
    } finally {
      run.release();
    }
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toBe(`Unsubscribed ${contact}: the address goes on the suppression list and emailOptIn becomes false at the next \`campaign run\`, before it sends anything.\nRecorded in journal.jsonl.\n`);
    expect(readFileSync(store).equals(bytes)).toBe(true);
    expect((await cli(dir, 'contact', contact, '--store', 'store.json')).stdout).toContain('This contact clicked an unsubscribe link (2026-09-01T08:00Z): the next `campaign run` puts the address on the suppression list and withdraws consent, before it sends anything.');
    // The JSON says it too (QA: a sidebar reading it showed the contact as emailable, nothing more).
    expect(JSON.parse((await cli(dir, 'contact', contact, '--format', 'json', '--store', 'store.json')).stdout).unprocessed).toEqual({ events: 0, unsubscribeClicks: ['2026-09-01T08:00:00.000Z'] });
    // A resubscribe now would be undone by the next run applying the click: refused (QA).
    const address = String((await readStore(store))!.contacts.find((c) => c.id === contact)!.fields.email);
    const early = await cli(dir, 'resubscribe', '--email', address, '--note', 'asked again by phone', '--now', '2026-09-01T09:00:00Z', '--store', 'store.json');
    expect(early.code).toBe(1);
    expect(early.stderr).toBe(`error: ${contact} clicked an unsubscribe link at 2026-09-01T08:00:00.000Z, which no run has applied yet: run \`campaign run\` first (it applies the click), then resubscribe. Nothing was changed.\n`);
    expect(readFileSync(store).equals(bytes)).toBe(true);
    const plan = JSON.parse((await cli(dir, 'plan', '--format', 'json', '--no-typecheck', '--now', T, '--store', 'store.json')).stdout) as { warnings: { code: string; message: string }[] };
    expect(plan.warnings.find((w) => w.code === 'unprocessed-unsubscribes')?.message).toBe('The journal holds 1 unsubscribe click that no run has applied yet: that contact still counts as consenting in this impact. The next `campaign run` applies it before it sends anything; run it first for an exact impact.');

    // A dry run shows it and writes nothing; the run applies it first.
    const dry = await cli(dir, 'run', '--now', T, '--until', U, '--dry-run', '--store', 'store.json');
    expect(dry.stdout).toContain('Unsubscribes: 1 click on unsubscribe links from the journal; 1 contact would be suppressed, consent withdrawn.');
    // Also in the contact's changes, text and JSON (QA: the per-contact diff showed no field change).
    expect(dry.stdout).toMatch(new RegExp(`^${contact} .*\n(?:  .*\n)*  field emailOptIn: true → false\n`, 'm'));
    const dryJson = JSON.parse((await cli(dir, 'run', '--now', T, '--until', U, '--dry-run', '--format', 'json', '--store', 'store.json')).stdout) as { contacts: { contact: string; fields: Record<string, unknown> }[] };
    expect(dryJson.contacts.find((c) => c.contact === contact)?.fields.emailOptIn).toEqual({ before: true, after: false });
    expect(readFileSync(store).equals(bytes)).toBe(true);
    const ran = await cli(dir, 'run', '--now', T, '--until', U, '--store', 'store.json');
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('Unsubscribes: 1 click on unsubscribe links from the journal; 1 contact suppressed, consent withdrawn.');
    const data = (await readStore(store))!;
    const record = data.contacts.find((c) => c.id === contact)!;
    expect(record.fields.emailOptIn).toBe(false);
    expect(data.suppression).toContainEqual({ hash: suppressionHash(String(record.fields.email)), reason: 'unsubscribed', at: '2026-09-01T08:00:00.000Z' });
    // The audit entry names the contact, not its address.
    expect(data.audit.find((a) => a.action === 'unsubscribe')).toMatchObject({ summary: `${contact} clicked 2026-09-01T08:00:00.000Z (links recorded in the journal)` });
    expect((await marketing(dir, true)).filter((m) => m.contact === contact)).toEqual([]);
    // A second click (or a one-click POST after the page's) changes nothing and writes nothing.
    const journalBytes = readFileSync(path.join(dir, 'journal.jsonl'));
    const after = readFileSync(store);
    const again = await cli(dir, 'unsubscribe', link, '--store', 'store.json');
    expect(again).toMatchObject({ code: 0, stdout: `${contact} was already unsubscribed.\nNothing to change; nothing was written.\n` });
    expect(await cli(dir, 'unsubscribe', link, '--dry-run', '--store', 'store.json')).toMatchObject({ code: 0, stdout: `${contact} was already unsubscribed.\nDry run: nothing was written.\n` });
    expect(readFileSync(store).equals(after)).toBe(true);
    expect(readFileSync(path.join(dir, 'journal.jsonl')).equals(journalBytes)).toBe(true);
  }, 60_000);

  it('the run counts clicks that changed nothing: a repeated click, a contact erased since', async () => {
    const dir = await ranToT();
    const [a, b] = [...new Set((await marketing(dir, false)).map((m) => m.contact))];
    for (const contact of [a!, a!, b!]) expect((await cli(dir, 'unsubscribe', linkFor(dir, contact), '--now', T, '--store', 'store.json')).code).toBe(0);
    const journal = path.join(dir, 'journal.jsonl');
    const click = readFileSync(journal, 'utf8').split('\n').find((line) => line.includes(`"contact":"${b}"`))!;
    // The erasure removes the erased contact's click from the journal (personal data)...
    expect((await cli(dir, 'contacts', 'erase', b!, '--now', T, '--store', 'store.json')).code).toBe(0);
    expect(readFileSync(journal, 'utf8')).not.toContain(`"${b}"`);
    // ...unless the journal could not be rewritten (held locked by an append, say): the run then
    // finds a click of a contact the store no longer has.
    appendUnsubscribes(journal, [JSON.parse(click) as JournalUnsubscribe], T);
    const ran = await cli(dir, 'run', '--now', '2026-09-02T00:00:00Z', '--store', 'store.json');
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('Unsubscribes: 3 clicks on unsubscribe links from the journal; 1 contact suppressed, consent withdrawn; 2 clicks changed nothing (already unsubscribed, a repeated click, or a contact erased since).');
  }, 60_000);

  it('refuses, writing nothing, a link with a wrong token or signed with another secret, and anything that is not a link; --dry-run writes nothing', async () => {
    const dir = await ranToT();
    const store = path.join(dir, 'store.json');
    const bytes = readFileSync(store);
    const journal = readFileSync(path.join(dir, 'journal.jsonl'));
    const link = linkFor(dir, (await marketing(dir, false))[0]!.contact);
    const forged = link.replace(/t=([0-9a-f])/, (_, d: string) => `t=${d === '0' ? '1' : '0'}`);
    const refused = await cli(dir, 'unsubscribe', link, forged, '--store', 'store.json');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: link 2 \(c=c_\d+\): The unsubscribe link is not valid\. Use the link from the email as it is\. If the emails were sent with \$CAMPAIGN_UNSUBSCRIBE_SECRET, set it here too\.\nNothing was written\.\n$/);
    // The store's lineage, which every plan prints, signs nothing: the store keeps its own secret.
    const data = (await readStore(store))!;
    expect(data.unsubscribeSecret).toMatch(/^[0-9a-f]{64}$/);
    const contactId = new URL(link).searchParams.get('c')!;
    const signedWithLineage = `c=${contactId}&t=${unsubscribeToken(contactId, data.lineage)}`;
    expect((await cli(dir, 'unsubscribe', signedWithLineage, '--store', 'store.json')).stderr).toMatch(/^error: the link \(c=c_\d+\): The unsubscribe link is not valid\./);
    expect(link).toContain(`t=${unsubscribeToken(contactId, data.unsubscribeSecret!)}`);
    const otherSecret = await cliWith({ CAMPAIGN_UNSUBSCRIBE_SECRET: 'another' }, dir, 'unsubscribe', link, '--store', 'store.json');
    expect(otherSecret.code).toBe(1);
    expect(otherSecret.stderr).toMatch(/^error: the link \(c=c_\d+\): The unsubscribe link is not valid\. Use the link from the email as it is\. \$CAMPAIGN_UNSUBSCRIBE_SECRET is set: links sent before it was are signed with the store's secret and are not valid while it is\.\nNothing was written\.\n$/);
    expect(await cli(dir, 'unsubscribe', 'https://acme-analytics.example/unsubscribe', '--store', 'store.json')).toMatchObject({
      code: 1,
      stderr: `error: the link: "https://acme-analytics.example/unsubscribe" is not an unsubscribe link: it needs c= (the contact) and t= (the token), as in the emails' List-Unsubscribe header.\nNothing was written.\n`,
    });
    expect((await cli(dir, 'unsubscribe', '--email', 'not an address', '--store', 'store.json')).stderr).toBe('error: --email: "not an address" is not an email address; give the bare address, as in user@example.com, with no name, brackets or mailto:.\nNothing was written.\n');
    // A queued list: every line checked, the bad ones named by file and line.
    writeFileSync(path.join(dir, 'queued.txt'), `# from the page\n${link}\n\nc=c_000001\n${forged}\n`);
    const listed = await cli(dir, 'unsubscribe', '--links', 'queued.txt', '--store', 'store.json');
    expect(listed.code).toBe(1);
    expect(listed.stderr).toMatch(/^error: queued\.txt:4: "c=c_000001" is not an unsubscribe link: .*\nNothing was written\.\n$/);
    writeFileSync(path.join(dir, 'queued.txt'), `${link}\n${forged}\n`);
    expect((await cli(dir, 'unsubscribe', '--links', 'queued.txt', '--store', 'store.json')).stderr).toMatch(/^error: queued\.txt:2 \(c=c_\d+\): The unsubscribe link is not valid\./);
    expect((await cli(dir, 'unsubscribe', link, '--reason', 'bounced', '--store', 'store.json')).stderr).toBe('error: --reason goes with addresses (--email, --emails): a link is always an unsubscribe.\n');
    const dry = await cli(dir, 'unsubscribe', link, '--dry-run', '--store', 'store.json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^Would unsubscribe c_\d+: the address goes on the suppression list and emailOptIn becomes false at the next `campaign run`, before it sends anything\.\nDry run: nothing was written\.\n$/);
    expect(readFileSync(store).equals(bytes)).toBe(true);
    expect(readFileSync(path.join(dir, 'journal.jsonl')).equals(journal)).toBe(true);
    // A click before the store's clock is not refused (the law may require the unsubscribe): the run records it at its clock.
    const early = await cli(dir, 'unsubscribe', link, '--now', '2026-08-15T00:00:00Z', '--store', 'store.json');
    expect(early).toMatchObject({ code: 0, stderr: '' });
    expect((await cli(dir, 'run', '--now', T, '--store', 'store.json')).code).toBe(0);
    expect((await readStore(store))!.suppression.map((s) => s.at)).toContain('2026-09-01T00:00:00.000Z');
  }, 60_000);

  it('waits for the store\'s lock with --lock-timeout (a run holds it), and is refused at once without', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const run = acquireStoreLock(store, 'campaign run');
    try {
      const refused = await cli(dir, 'unsubscribe', '--email', 'ann@elsewhere.example', '--store', 'store.json');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error: The store is locked by campaign run \(pid \d+\)/);
      expect((await cli(dir, 'unsubscribe', '--email', 'ann@elsewhere.example', '--lock-timeout', 'soon', '--store', 'store.json')).stderr).toBe('error: --lock-timeout "soon" is not a duration up to 1h; use e.g. 30s, 5m or 1m30s.\n');
      setTimeout(() => run.release(), 500);
      const waited = await cli(dir, 'unsubscribe', '--email', 'ann@elsewhere.example', '--lock-timeout', '10s', '--store', 'store.json');
      expect(waited.code, waited.stderr).toBe(0);
      expect((await readStore(store))!.suppression.map((s) => s.hash)).toContain(suppressionHash('ann@elsewhere.example'));
    } finally {
      run.release();
    }
  }, 60_000);

  it('warns when a store made before stores kept a secret signs links with its lineage, and still honours those links', async () => {
    const dir = await ranToT();
    const store = path.join(dir, 'store.json');
    const data = (await readStore(store))!;
    delete data.unsubscribeSecret;
    await writeStore(store, data);
    const contact = (await marketing(dir, false))[0]!.contact;
    const legacy = `https://acme-analytics.example/unsubscribe?c=${contact}&t=${unsubscribeToken(contact, data.lineage)}`;
    const done = await cli(dir, 'unsubscribe', legacy, '--store', 'store.json');
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toBe('warning: this store was made before stores kept a secret for unsubscribe links: they are signed with its lineage, which plans print, so anyone could sign one. Run `campaign secret rotate`: links already sent stay valid for 30 days (setting $CAMPAIGN_UNSUBSCRIBE_SECRET instead would make them invalid at once).\n');
    // A run that emails links signed that way says so too.
    const run = await cli(dir, 'run', '--now', T, '--until', U, '--store', 'store.json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('warning: this store was made before stores kept a secret for unsubscribe links');
    // With the secret set, no warning (and the lineage-signed link is no longer valid).
    expect((await cliWith({ CAMPAIGN_UNSUBSCRIBE_SECRET: 'set' }, dir, 'unsubscribe', legacy, '--store', 'store.json')).stderr).not.toContain('warning:');
  }, 60_000);

  it("keeps the store's secret out of state exports and plans", async () => {
    const dir = await ranToT();
    const secret = (await readStore(path.join(dir, 'store.json')))!.unsubscribeSecret!;
    expect((await cli(dir, 'state', 'export', '--store', 'store.json', '--out', 'state.json')).code).toBe(0);
    expect((await cli(dir, 'plan', '--no-typecheck', '--store', 'store.json', '--out', 'plan.json')).code).not.toBe(1);
    for (const file of ['state.json', 'plan.json']) expect(readFileSync(path.join(dir, file), 'utf8')).not.toContain(secret);
  }, 60_000);

  it('--email suppresses an address without a link: its contacts lose consent, and an address no contact has stays suppressed when imported later', async () => {
    const dir = copyBase();
    const data = (await readStore(path.join(dir, 'store.json')))!;
    const contact = data.contacts.find((c) => c.fields.emailOptIn === true)!;
    const address = String(contact.fields.email).toUpperCase();
    const done = await cli(dir, 'unsubscribe', '--email', ` ${address} `, '--now', '2026-08-02T00:00:00Z', '--store', 'store.json');
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout.split('\n')[0]).toBe(`Unsubscribed ${address} (1 contact: ${contact.id}): the address is on the suppression list; emailOptIn is now false.`);
    const nobody = await cli(dir, 'unsubscribe', '--email', 'gone@elsewhere.example', '--now', '2026-08-02T00:00:00Z', '--store', 'store.json');
    expect(nobody.stdout.split('\n')[0]).toBe('Unsubscribed gone@elsewhere.example (no contact has it now; it stays suppressed if imported later): the address is on the suppression list.');
    const after = (await readStore(path.join(dir, 'store.json')))!;
    expect(after.contacts.find((c) => c.id === contact.id)!.fields.emailOptIn).toBe(false);
    expect(after.suppression.filter((s) => s.reason === 'unsubscribed').map((s) => s.hash).sort()).toEqual([suppressionHash(address), suppressionHash('gone@elsewhere.example')].sort());
    expect(after.audit.slice(-2).map((a) => [a.action, a.summary])).toEqual([
      ['unsubscribe', `1 address suppressed (unsubscribed); consent withdrawn: ${contact.id}`],
      ['unsubscribe', '1 address suppressed (unsubscribed)'],
    ]);
  }, 60_000);

  it('--emails records a bounce or complaint report: every address suppressed with its reason; a complaint withdraws consent, a bounce does not', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const opted = (await readStore(store))!.contacts.filter((c) => c.fields.emailOptIn === true).slice(0, 3);
    const [a, b, c] = opted.map((contact) => String(contact.fields.email));
    writeFileSync(path.join(dir, 'bounces.txt'), `\uFEFF# provider report\r\n${a}\r\n${b!.toUpperCase()}\r\n${b}\r\nnobody@elsewhere.example\r\n`);
    const bounced = await cli(dir, 'unsubscribe', '--emails', 'bounces.txt', '--reason', 'bounced', '--now', '2026-08-02T00:00:00Z', '--store', 'store.json');
    expect(bounced.code, bounced.stderr).toBe(0);
    // Three addresses (the same one twice counts once), in the order given.
    expect(bounced.stdout.split('\n').slice(0, 3)).toEqual([
      `Unsubscribed ${a} (bounced) (1 contact: ${opted[0]!.id}): the address is on the suppression list.`,
      `Unsubscribed ${b!.toUpperCase()} (bounced) (1 contact: ${opted[1]!.id}): the address is on the suppression list.`,
      'Unsubscribed nobody@elsewhere.example (bounced) (no contact has it now; it stays suppressed if imported later): the address is on the suppression list.',
    ]);
    let data = (await readStore(store))!;
    expect(data.suppression.filter((s) => s.reason === 'bounced').map((s) => s.hash).sort()).toEqual([a!, b!, 'nobody@elsewhere.example'].map(suppressionHash).sort());
    expect(data.suppression.map((s) => s.hash)).toEqual(data.suppression.map((s) => s.hash).sort());
    // A bounce says nothing of the person's wishes: consent stays as it was.
    expect(data.contacts.filter((x) => opted.slice(0, 2).some((o) => o.id === x.id)).map((x) => x.fields.emailOptIn)).toEqual([true, true]);

    writeFileSync(path.join(dir, 'complaints.txt'), `${c}\n${a}\nnot-an-address\n`);
    const bad = await cli(dir, 'unsubscribe', '--emails', 'complaints.txt', '--reason', 'complained', '--store', 'store.json');
    expect(bad).toMatchObject({ code: 1, stderr: 'error: complaints.txt:3: "not-an-address" is not an email address; give one bare address per line, as in user@example.com, with no other column, name, brackets or mailto:.\nNothing was written.\n' });
    // A bounce report's CSV line, mailto:, brackets or a trailing dot: refused, with the address meant.
    writeFileSync(path.join(dir, 'complaints.txt'), `${a},bounced\nmailto:${c}\n<${c}>\n${c}.\n"${c}"\n`);
    const pasted = await cli(dir, 'unsubscribe', '--emails', 'complaints.txt', '--reason', 'complained', '--store', 'store.json');
    expect(pasted.code).toBe(1);
    expect(pasted.stderr.split('\n').slice(0, 5).map((line) => /^(?:error: )?complaints\.txt:(\d): .* Did you mean "([^"]+)"\?$/.exec(line)?.slice(1))).toEqual([
      ['1', a],
      ['2', c],
      ['3', c],
      ['4', c],
      ['5', c],
    ]);
    expect((await readStore(store))!.suppression).toEqual(data.suppression);
    expect((await cli(dir, 'unsubscribe', '--email', "o'brien@example.com", '--dry-run', '--store', 'store.json')).code).toBe(0);
    writeFileSync(path.join(dir, 'complaints.txt'), `${c}\n${a}\n`);
    const complained = await cli(dir, 'unsubscribe', '--emails', 'complaints.txt', '--reason', 'complained', '--now', '2026-08-02T00:00:00Z', '--store', 'store.json');
    expect(complained.code, complained.stderr).toBe(0);
    data = (await readStore(store))!;
    // c is new on the list; a keeps its entry (bounced) and, complained of, loses consent.
    expect(data.suppression.find((s) => s.hash === suppressionHash(c!))!.reason).toBe('complained');
    expect(data.suppression.find((s) => s.hash === suppressionHash(a!))!.reason).toBe('bounced');
    expect(data.contacts.filter((x) => x.id === opted[0]!.id || x.id === opted[2]!.id).map((x) => x.fields.emailOptIn)).toEqual([false, false]);
    // A long report: 20 lines, then how many more.
    writeFileSync(path.join(dir, 'many.txt'), Array.from({ length: 25 }, (_, i) => `old${i}@elsewhere.example`).join('\n'));
    const many = await cli(dir, 'unsubscribe', '--emails', 'many.txt', '--reason', 'manual', '--now', '2026-08-02T00:00:00Z', '--store', 'store.json');
    expect(many.stdout.split('\n').slice(19, 22)).toEqual(['Unsubscribed old19@elsewhere.example (manual) (no contact has it now; it stays suppressed if imported later): the address is on the suppression list.', '… and 5 more', expect.stringMatching(/^The next `campaign run`/)]);
    expect((await readStore(store))!.audit.at(-1)!.summary).toBe('25 addresses suppressed (manual)');
    expect(await cli(dir, 'unsubscribe', '--email', String(a), '--reason', 'nope', '--store', 'store.json')).toMatchObject({ code: 1, stderr: 'error: --reason "nope" is not one of unsubscribed, complained, bounced, manual.\n' });
  }, 60_000);
});
