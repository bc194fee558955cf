import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStore } from '../../src/store/index.ts';
import { suppressionHash } from '../../src/store/suppression.ts';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { cli, copyBase } = runtimeCliWorkspace();
const NOW = ['--now', '2026-08-02T00:00:00Z', '--store', 'store.json'];
const LATER = ['--now', '2026-08-03T00:00:00Z', '--store', 'store.json'];

describe('campaign resubscribe', () => {
  it('takes an unsubscribed address off the suppression list once the person asked again, leaving consent to the import; a re-import alone did not (QA compliance)', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const contact = (await readStore(store))!.contacts.find((c) => c.fields.emailOptIn === true)!;
    const address = String(contact.fields.email);
    expect((await cli(dir, 'unsubscribe', '--email', address, ...NOW)).code).toBe(0);
    // Consent true again by import: still suppressed.
    writeFileSync(path.join(dir, 'optin.csv'), `id,emailOptIn\n${contact.id},true\n`);
    const imported = await cli(dir, 'contacts', 'import', 'optin.csv', ...LATER);
    expect(imported.code, imported.stderr).toBe(0);
    // Said, also for a row without the address (QA: it was imported without a word).
    expect(imported.stderr).toBe('warning: 1 imported address is suppressed (unsubscribed, complained, bounced, erased or by hand); they stay suppressed and will not be emailed, whatever their consent says, until `campaign resubscribe` takes them off the list.\n');
    expect((await readStore(store))!.suppression.some((s) => s.hash === suppressionHash(address))).toBe(true);

    const noNote = await cli(dir, 'resubscribe', '--email', address, ...LATER);
    expect(noNote.code).toBe(1);
    expect(noNote.stderr).toMatch(/^error: Say how the person asked again with --note/);
    const before = readFileSync(store);
    const dry = await cli(dir, 'resubscribe', '--email', address.toUpperCase(), '--note', 'double opt-in confirmed', '--dry-run', ...LATER);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe(`Would take ${address.toUpperCase()} off the suppression list (unsubscribed since 2026-08-02T00:00:00.000Z).\n  ${contact.id}: emailOptIn is true: marketing email goes to it again from the next \`campaign run\`.\nDry run: nothing was written.\n`);
    expect(readFileSync(store).equals(before)).toBe(true);

    const done = await cli(dir, 'resubscribe', '--email', address, '--note', 'double opt-in confirmed 2026-08-02 via the pricing form', ...LATER);
    expect(done.code, done.stderr).toBe(0);
    const after = (await readStore(store))!;
    expect(after.suppression.some((s) => s.hash === suppressionHash(address))).toBe(false);
    expect(after.audit.at(-1)).toMatchObject({ action: 'resubscribe', summary: `${contact.id}: address taken off the suppression list (unsubscribed since 2026-08-02T00:00:00.000Z): double opt-in confirmed 2026-08-02 via the pricing form` });
    expect(JSON.stringify(after.audit)).not.toContain(address);
    // Again: nothing to change.
    const again = await cli(dir, 'resubscribe', '--email', address, '--note', 'x', ...LATER);
    expect(again.stdout).toBe(`${address} is not on the suppression list: nothing to change.\n`);
  }, 60_000);

  it('keeps an address suppressed after a complaint or a bounce unless forced, and refuses what is not an address', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    writeFileSync(path.join(dir, 'report.txt'), 'spam@elsewhere.example\n');
    expect((await cli(dir, 'unsubscribe', '--emails', 'report.txt', '--reason', 'complained', ...NOW)).code).toBe(0);
    const before = readFileSync(store);
    const kept = await cli(dir, 'resubscribe', '--email', 'spam@elsewhere.example', '--note', 'asked by phone', ...LATER);
    expect(kept.code).toBe(1);
    expect(kept.stderr).toBe('error: spam@elsewhere.example is on the suppression list because the person reported an email as spam (2026-08-02T00:00:00.000Z); give --force if the person asked again all the same. Nothing was changed.\n');
    expect(readFileSync(store).equals(before)).toBe(true);
    const forced = await cli(dir, 'resubscribe', '--email', 'spam@elsewhere.example', '--note', 'asked by phone', '--force', ...LATER);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('No contact has this address');
    expect((await readStore(store))!.audit.at(-1)!.summary).toBe('an address of no contact: address taken off the suppression list (complained since 2026-08-02T00:00:00.000Z, forced): asked by phone');
    // An address in the note would stay in the audit log after an erasure (QA).
    const leaky = await cli(dir, 'resubscribe', '--email', 'spam@elsewhere.example', '--note', 'reply from spam@elsewhere.example: yes', '--force', ...LATER);
    expect(leaky.code).toBe(1);
    expect(leaky.stderr).toMatch(/^error: The --note holds an email address \("spam@elsewhere\.example"\), which the audit log would keep even after an erasure/);
    const bad = await cli(dir, 'resubscribe', '--email', 'Ann <ann@example.com>', '--note', 'x', ...LATER);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: --email "Ann <ann@example.com>" is not an email address/);
  }, 60_000);
});
