import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStore, writeStore } from '../../src/store/index.ts';
import { unsubscribeToken } from '../../src/runtime/deliver/unsubscribe-token.ts';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';
import { linkFor, ranTo, unsubscribeLinks } from '../helpers/unsubscribe-links.ts';

const workspace = runtimeCliWorkspace();
const { cli, cliWith } = workspace;

const T = '2026-09-01T00:00:00Z';
const U = '2026-09-20T00:00:00Z';
const HOUR = 3_600_000;
const after = (ms: number) => new Date(Date.parse(T) + ms).toISOString();

/** A contact with a delivered email, and that email's unsubscribe link. */
async function sentLink(dir: string): Promise<{ contact: string; link: string }> {
  const contact = (await readStore(path.join(dir, 'store.json')))!.outbox.find((m) => m.kind === 'marketing' && m.status === 'sent')!.contact;
  return { contact, link: linkFor(dir, contact) };
}

const unsubscribeAt = (dir: string, link: string, at: string) => cli(dir, 'unsubscribe', link, '--dry-run', '--now', at, '--store', 'store.json');

describe('campaign secret rotate', () => {
  it('gives the store a new secret for the links of emails sent from then on; links already sent stay valid for the grace, then not; no secret is printed or audited', async () => {
    const dir = await ranTo(workspace, T);
    const store = path.join(dir, 'store.json');
    const old = (await readStore(store))!.unsubscribeSecret!;
    const { contact, link } = await sentLink(dir);
    const bytes = readFileSync(store);
    const dry = await cli(dir, 'secret', 'rotate', '--grace', '2w', '--dry-run', '--now', after(HOUR), '--store', 'store.json');
    expect(dry.stdout).toContain('Dry run: nothing was written.');
    expect(readFileSync(store).equals(bytes)).toBe(true);

    const done = await cli(dir, 'secret', 'rotate', '--grace', '2w', '--now', after(HOUR), '--store', 'store.json');
    expect(done.code, done.stderr).toBe(0);
    const until = after(HOUR + 14 * 24 * HOUR);
    expect(done.stdout).toBe(`Replaced the store's secret for unsubscribe links: emails sent from now on carry links signed with a new random secret. Links already sent, signed with the previous secret, stay valid until ${until}.\n`);
    const data = (await readStore(store))!;
    expect(data.unsubscribeSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(data.unsubscribeSecret).not.toBe(old);
    expect(data.retiredUnsubscribeSecret).toEqual({ secret: old, until });
    expect(data.audit.at(-1)).toMatchObject({ action: 'secret rotate', summary: `unsubscribe secret replaced; earlier links valid until ${until}` });
    expect(JSON.stringify(data.audit) + done.stdout).not.toContain(old);
    expect(JSON.stringify(data.audit) + done.stdout).not.toContain(data.unsubscribeSecret!);
    expect((await cli(dir, 'state', 'export', '--store', 'store.json', '--out', 'state.json')).code).toBe(0);
    expect(readFileSync(path.join(dir, 'state.json'), 'utf8')).not.toContain(old);

    // The link already sent: honoured during the grace, refused after it.
    expect((await unsubscribeAt(dir, link, after(2 * HOUR))).code).toBe(0);
    const late = await unsubscribeAt(dir, link, after(HOUR + 15 * 24 * HOUR));
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('The unsubscribe link is not valid.');

    // Emails sent after the rotation carry links signed with the new secret, which are valid.
    const before = new Set(unsubscribeLinks(dir).keys());
    expect((await cli(dir, 'run', '--now', after(HOUR), '--until', U, '--store', 'store.json')).code).toBe(0);
    const fresh = [...unsubscribeLinks(dir)].filter(([name]) => !before.has(name)).map(([, url]) => url);
    expect(fresh.length).toBeGreaterThan(0);
    for (const url of fresh) expect(url.searchParams.get('t')).toBe(unsubscribeToken(url.searchParams.get('c')!, data.unsubscribeSecret!));
    expect((await unsubscribeAt(dir, fresh[0]!.href, after(HOUR + 15 * 24 * HOUR))).code).toBe(0);
    expect(contact).toBeDefined();
  }, 60_000);

  it('--grace 0 stops the links already sent at once (a leaked secret)', async () => {
    const dir = await ranTo(workspace, T);
    const { link } = await sentLink(dir);
    const done = await cli(dir, 'secret', 'rotate', '--grace', '0', '--now', after(HOUR), '--store', 'store.json');
    expect(done.stdout).toContain('Links signed with the previous secret stop working now.');
    expect((await readStore(path.join(dir, 'store.json')))!.retiredUnsubscribeSecret).toBeUndefined();
    expect((await unsubscribeAt(dir, link, after(2 * HOUR))).code).toBe(1);
  }, 60_000);

  it('gives a store made before stores kept a secret one: its lineage-signed links stay valid for the grace, and the warning stops', async () => {
    const dir = await ranTo(workspace, T);
    const store = path.join(dir, 'store.json');
    const data = (await readStore(store))!;
    delete data.unsubscribeSecret;
    await writeStore(store, data);
    const { contact } = await sentLink(dir);
    const legacy = `c=${contact}&t=${unsubscribeToken(contact, data.lineage)}`;
    expect((await unsubscribeAt(dir, legacy, after(HOUR))).stderr).toContain('warning: this store was made before stores kept a secret');
    const done = await cli(dir, 'secret', 'rotate', '--now', after(HOUR), '--store', 'store.json');
    expect(done.stdout).toContain(`Links already sent, signed with its lineage (this store was made before stores kept a secret), stay valid until ${after(HOUR + 30 * 24 * HOUR)}.`);
    const honoured = await unsubscribeAt(dir, legacy, after(2 * HOUR));
    expect(honoured).toMatchObject({ code: 0, stderr: '' });
    expect((await cli(dir, 'run', '--now', after(HOUR), '--until', U, '--store', 'store.json')).stderr).not.toContain('warning: this store was made before');
  }, 60_000);

  it('refuses, writing nothing, when links are signed with $CAMPAIGN_UNSUBSCRIBE_SECRET, and a --grace that is not a duration', async () => {
    const dir = workspace.copyBase();
    const store = path.join(dir, 'store.json');
    const bytes = readFileSync(store);
    const withEnv = await cliWith({ CAMPAIGN_UNSUBSCRIBE_SECRET: 'set' }, dir, 'secret', 'rotate', '--store', 'store.json');
    expect(withEnv).toMatchObject({ code: 1, stderr: "error: $CAMPAIGN_UNSUBSCRIBE_SECRET is set: links are signed with it, not with the store's secret. Change the variable instead (links already sent then stop working). Nothing was changed.\n" });
    expect((await cli(dir, 'secret', 'rotate', '--grace', 'forever', '--store', 'store.json')).stderr).toBe('error: --grace "forever" is not a duration up to a year; use e.g. 30d, 12h or 0.\n');
    expect(readFileSync(store).equals(bytes)).toBe(true);
  }, 60_000);
});
