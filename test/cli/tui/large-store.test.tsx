import { beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../../src/store/index.ts';
import type { ContactRecord, StoreData } from '../../../src/store/types.ts';
import { generateFixtures } from '../../../fixtures/generate.ts';
import { drive, KEY, previewFixture, sessionFor, type PreviewFixture } from './preview-fixture.ts';

/**
 * With 100,000 contacts every list still answers: lists are virtualized and indexed once, so the
 * keys below land where they should and the app keeps working. How fast it answers is measured by
 * the benchmark (`npm run bench -- --only preview`: median keypress → frame, target ≤ 100 ms), not
 * here: a timed assertion fails on a busy machine and passes a slow change on a fast one.
 */

let fixture: PreviewFixture;
let data: StoreData;

beforeAll(async () => {
  fixture = await previewFixture();
  data = createStore(new Date('2026-11-01T00:00:00Z'));
  data.clock = '2026-11-01T00:00:00.000Z';
  data.deployed = fixture.data.deployed;
  // The generator's contacts, stored as an import stores them (without running 100,000 validations).
  data.contacts = generateFixtures({ contacts: 100_000, events: 0 }).contacts.map(({ id, tags, ...fields }): ContactRecord => ({
    id,
    fields,
    tags,
    createdAt: '2026-08-03T00:00:00.000Z',
    updatedAt: '2026-08-03T00:00:00.000Z',
    scores: {},
    segments: [],
  }));
});

describe('campaign preview with 100,000 contacts', () => {
  it('answers every key on every list: segments and their members, contacts and their search, scoring', async () => {
    const session = sessionFor(fixture, { data });
    await session.loaded;
    const d = await drive(session);
    expect(d.frame()).toContain('100,000 contacts');
    expect(await d.press('3')).toContain('[3 Segments]');
    const members = await d.press(KEY.enter);
    const firstMember = members.split('\n').find((l) => l.startsWith('›'));
    for (const key of ['j', 'j', 'j']) await d.press(key);
    expect(d.frame().split('\n').find((l) => l.startsWith('›'))).not.toBe(firstMember);
    const end = await d.press('G');
    expect(end.split('\n').find((l) => l.startsWith('›'))).toBeDefined();
    await d.press('g');
    expect(d.frame().split('\n').find((l) => l.startsWith('›'))).toBe(firstMember);
    for (const key of ['/', 'a', 'n', 'n', KEY.enter, KEY.escape, KEY.escape]) await d.press(key);
    expect(await d.press('5')).toContain('[5 Contacts]');
    await d.press('/');
    const found = await d.type('smith');
    expect(found).toMatch(/\/ smith\s+[\d,]+ of 100,000 contacts/);
    const rows = found.split('\n').filter((l) => l.includes('@'));
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect(row.toLowerCase()).toContain('smith');
    const list = await d.press(KEY.enter);
    const selected = list.split('\n').find((l) => l.startsWith('›'))!;
    expect(selected.toLowerCase()).toContain('smith');
    const explained = await d.press(KEY.enter);
    expect(explained).toContain('as `campaign contact');
    expect(explained).toContain(`<${selected.slice(2).split(' ')[0]!.replace(/…$/, '')}`);
    for (const key of [KEY.enter, 'j', KEY.escape]) await d.press(key);
    expect(await d.press('4')).toContain('[4 Scoring]');
    for (const key of [KEY.right, 'j', '2', KEY.enter, 'j', KEY.escape, '1']) await d.press(key);
    expect(d.frame()).toContain('100,000 contacts');
    d.unmount();
  });
});
