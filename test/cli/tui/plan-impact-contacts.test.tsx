import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contactWidths } from '../../../cli/tui/ContactRow.tsx';
import { compile, type CompileResult } from '../../../src/compiler/compile.ts';
import { planChanges } from '../../../src/planner/build-plan.ts';
import { EXAMPLE_WORKSPACE, tempDir } from '../../helpers/run-cli.ts';
import { drive, KEY, previewFixture, sessionFor, type Driver, type PreviewFixture } from './preview-fixture.ts';

/**
 * The plan screen's grade and template rows, opened to their contacts: the fixture's store (the
 * example deployed and run) against a copy of the example workspace where the lead grade's A band
 * starts lower and the "what's new" email has another subject.
 */
let fixture: PreviewFixture;
let edited: CompileResult;
let cleanup: () => void;
let driver: Driver | null = null;

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`"${from}" is not in ${file}`);
  writeFileSync(file, text.replace(from, to));
}

beforeAll(async () => {
  fixture = await previewFixture();
  const temp = tempDir('campaignkit-preview-plan-');
  cleanup = temp.cleanup;
  const workspace = path.join(temp.dir, 'campaigns');
  cpSync(EXAMPLE_WORKSPACE, workspace, { recursive: true });
  edit(path.join(workspace, 'scoring/lead-grade.ts'), 'bands: { A: 70, B: 45', 'bands: { A: 40, B: 30');
  edit(path.join(workspace, 'emails/whats-new.ts'), "subject: 'New since you left:", "subject: 'What is new:");
  edited = await compile({ workspace, typecheck: false });
  if (!edited.program) throw new Error(edited.diagnostics.map((d) => d.message).join('\n'));
});
afterAll(() => cleanup());
afterEach(() => {
  driver?.unmount();
  driver = null;
});

/** The plan screen at 100×40, with the row starting `row` selected. */
async function planAt(row: string): Promise<Driver> {
  const session = sessionFor(fixture, { compile: async () => edited });
  await session.loaded;
  const d = (driver = await drive(session, { columns: 100, rows: 40 }));
  await d.press('6');
  let frame = await d.waitFor('Impact on 40 contacts');
  for (let i = 0; i < 20 && !frame.includes(`› ${row}`); i++) frame = await d.press('j');
  expect(frame).toContain(`› ${row}`);
  return d;
}

/** The columns of the list at 100 columns: ImpactContactsView's "on apply" column is 25 wide (a quarter). */
const w = contactWidths(98, 26);
/** The list's rows: email (as shown, maybe cut with …) and the last column (what applying does to the contact). */
const listed = (frame: string) =>
  frame
    .split('\n')
    .filter((l) => /^[ ›] \S+@/.test(l))
    .map((l) => ({ email: l.slice(2, 2 + w.email).trim(), detail: l.slice(2 + w.email + w.name + w.company + w.plan + 4).trim() }));

/** A contact's email as the list shows it. */
function emailOf(id: string): string {
  const email = String(fixture.data.contacts.find((c) => c.id === id)!.fields.email);
  return email.length <= w.email ? email : `${email.slice(0, w.email - 1)}…`;
}

describe('campaign preview: the plan screen opens grade and template rows to their contacts', () => {
  it('grades: each contact whose grade changes with its move, as many of each move as the row counts; search; Esc back', async () => {
    const d = await planAt('grades lead-grade');
    const row = d.frame().split('\n').find((l) => l.startsWith('› grades lead-grade'))!;
    const [, changed, moves] = row.match(/: (\d+) contacts? changes? \((.+)\)$/)!;
    const list = await d.press(KEY.enter);
    expect(list).toContain(`grade changes in lead-grade  ${changed} contacts, as the plan counts them`);
    const rows = listed(list);
    expect(rows).toHaveLength(Number(changed));
    // The row's moves (`B4 → A4: 3, B3 → A3: 1`), counted again contact by contact.
    const counted = new Map<string, number>();
    for (const { detail } of rows) counted.set(detail, (counted.get(detail) ?? 0) + 1);
    expect(moves!.split(', ').map((m) => m.split(': '))).toEqual([...counted].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([m, n]) => [m, String(n)]));

    await d.press('/');
    const one = rows.at(-1)!;
    const found = await d.type(one.email.split('@')[0]!);
    expect(found).toContain(`1 of ${changed} contacts`);
    expect(listed(found)).toEqual([one]);
    await d.press(KEY.escape);
    expect(await d.press(KEY.escape)).toContain('› grades lead-grade');
  });

  it('templates: the contacts with the email waiting in the outbox and those whose journey may still send it, labelled', async () => {
    const d = await planAt('template whats-new');
    // The row is cut at 100 columns: its numbers, from the planner.
    const { plan } = planChanges({ next: edited.program!, store: fixture.data, now: fixture.data.clock! });
    const { pending, upcoming } = plan.impact.templates!.find((t) => t.template === 'whats-new')!;
    expect(d.frame()).toContain(`› template whats-new: changed: ${pending} contacts with an email waiting, ${upcoming} contact`);
    const list = await d.press(KEY.enter);
    expect(list).toMatch(/template whats-new: emails waiting, journeys {2}\d+ contacts, as the plan counts them/);
    const rows = listed(list);
    const waiting = rows.filter((r) => /^(\d+ emails|email) waiting/.test(r.detail));
    const journey = rows.filter((r) => /journey/.test(r.detail));
    expect(waiting).toHaveLength(pending);
    expect(journey).toHaveLength(upcoming);
    // Read from the store: whose "what's new" email has not gone out, who waits in win-back before it.
    const outbox = fixture.data.outbox.filter((m) => m.template === 'whats-new' && (m.status === 'pending' || m.status === 'deferred'));
    expect(new Set(waiting.map((r) => r.email))).toEqual(new Set(outbox.map((m) => emailOf(m.contact))));
    const winBack = fixture.data.enrollments.filter((e) => e.campaign === 'win-back' && e.status === 'active' && ['we-miss-you', 'one-week', 'whats-new'].includes(e.step!));
    expect(new Set(journey.map((r) => r.email))).toEqual(new Set(winBack.map((e) => emailOf(e.contact))));
    expect(upcoming).toBeGreaterThan(0);
    expect(await d.press(KEY.escape)).toContain('› template whats-new');
  });
});
