import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { compileProgram, eventsByContact } from '../../src/runtime/evaluate/snapshot.ts';
import { rescore } from '../../src/runtime/evaluate/rescore.ts';
import { localParts } from '../../src/runtime/time/zoned.ts';
import { readStore } from '../../src/store/index.ts';
import type { StoreData } from '../../src/store/types.ts';

/**
 * The example end to end, as `npm run example` does it: import the fixture contacts, apply, ingest
 * the fixture events, run 60 days past them — then check the outbox against the program's promises.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'ck-example-'));
const store = path.join(dir, 'store.json');
let data: StoreData;

let runStderr = '';

async function cli(...argv: string[]) {
  return cliOn(false, ...argv);
}

/** `stderrTTY`: stderr claims to be a terminal, as for an operator (progress is drawn there). */
async function cliOn(stderrTTY: boolean, ...argv: string[]) {
  let stderr = '';
  let stdout = '';
  const code = await main({
    argv: [...argv, '--store', store],
    cwd: ROOT,
    env: { NO_COLOR: '1', CAMPAIGN_ACTOR: 'test' },
    stdin: process.stdin as never,
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false } as never,
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: stderrTTY } as never,
  });
  expect(code, `${argv.join(' ')}\n${stderr}`).toBe(0);
  if (argv[0] === 'run') runStderr = stderr;
  return stdout;
}

beforeAll(async () => {
  await cli('contacts', 'import', 'fixtures/contacts.csv', '--now', '2026-08-01T00:00:00Z');
  await cli('apply', '--auto-approve', '--now', '2026-08-01T00:00:00Z');
  await cli('events', 'ingest', 'fixtures/events.jsonl', '--now', '2026-11-01T00:00:00Z');
  const summary = await cliOn(true, 'run', '--now', '2026-11-01T00:00:00Z', '--until', '2026-12-31T00:00:00Z');
  expect(summary).toMatch(/Emails: [\d,]+ scheduled \(/);
  expect(summary).toMatch(/handed to sales/);
  data = (await readStore(store))!;
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const contactOf = (id: string) => data.contacts.find((c) => c.id === id)!;

describe('the example, end to end', () => {
  it('showed its progress on the terminal and cleared the line before the report', () => {
    expect(runStderr).toContain('Processing contacts');
    expect(runStderr).toContain('1,000/1,000');
    expect(runStderr).toMatch(/Delivering emails .*100%/);
    // The progress line cleared; then at most the warning that the example's webhooks failed (nothing listens at their address).
    expect(runStderr).toMatch(/\r\x1b\[K(?:warning: delivery incomplete: [\d,]+ webhooks failed; [^\n]*\n)?$/);
  });

  it('processed every fixture event and advanced the clock to --until', () => {
    expect(data.events).toHaveLength(10_000);
    expect(data.clock).toBe('2026-12-31T00:00:00.000Z');
    expect(data.journal.offset).toBeGreaterThan(0);
  });

  it('sends birthday emails at 09:00 in the contact’s own time zone', () => {
    const birthdays = data.outbox.filter((m) => m.campaign === 'birthday');
    expect(birthdays.length).toBeGreaterThan(50);
    const zones = new Set<string>();
    for (const message of birthdays) {
      const contact = contactOf(message.contact);
      const zone = (contact.fields.timezone as string | undefined) ?? 'Europe/Paris';
      zones.add(zone);
      const local = localParts(Date.parse(message.dueAt), zone);
      expect(`${local.hour}:${local.minute}`, `${message.key} in ${zone}`).toBe('9:0');
      const birthday = contact.fields.birthday as string;
      expect(`${local.month}-${local.day}`).toBe(`${Number(birthday.slice(5, 7))}-${Number(birthday.slice(8, 10))}`);
    }
    expect(zones.size).toBeGreaterThan(5);
  });

  it('alerts sales when the engagement score crosses the MQL threshold, and only then', () => {
    const program = data.deployed!.program;
    const compiled = compileProgram(program);
    const engagement = compiled.scores.get('engagement')!;
    const events = eventsByContact(data.events);
    const alerts = data.outbox.filter((m) => m.kind === 'notification' && m.key.startsWith('threshold/engagement/mql/'));
    expect(alerts.length).toBeGreaterThan(10);
    for (const alert of alerts) {
      expect(alert.to).toBe('sales@acme-analytics.example');
      const at = Date.parse(alert.dueAt);
      const contact = contactOf(alert.contact);
      const history = events.get(contact.id) ?? [];
      const subject = { id: contact.id, fields: contact.fields, tags: new Set<string>(), segments: new Set<string>(), scores: {}, grades: {}, events: history, tz: 'UTC' };
      // The score from the history up to the alert: at or above 100 then, below 100 just before its last event.
      expect(rescore(engagement, history, subject, at).value, alert.key).toBeGreaterThanOrEqual(100);
      const before = history.filter((e) => Date.parse(e.at) < at);
      expect(rescore(engagement, before, subject, at - 1).value, alert.key).toBeLessThan(100);
    }
  });

  it('never emails marketing to a contact without consent', () => {
    const marketing = data.outbox.filter((m) => m.kind === 'marketing' && m.status === 'sent');
    expect(marketing.length).toBeGreaterThan(1000);
    for (const message of marketing) expect(contactOf(message.contact).fields.emailOptIn, message.key).toBe(true);
    const withoutConsent = new Set(data.contacts.filter((c) => c.fields.emailOptIn !== true).map((c) => c.id));
    expect(withoutConsent.size).toBeGreaterThan(50);
  });

  it('wrote every sent email once, as an .eml file whose Message-ID is its key', () => {
    const outbox = path.join(dir, 'outbox');
    const files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    const sent = data.outbox.filter((m) => m.status === 'sent');
    expect(files).toHaveLength(sent.length);
    const ids = files.map((f) => /^Message-ID:\s+(<[^>]+>)/m.exec(readFileSync(path.join(outbox, f), 'utf8'))![1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(sent.map((m) => m.messageId)));
    const sample = readFileSync(path.join(outbox, files[0]!), 'utf8');
    expect(sample).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
  });
});
