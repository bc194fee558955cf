import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { historyIdsAmong, readForIngest } from '../../src/runtime/history-ids.ts';
import { createStore, writeStore, type StoreData } from '../../src/store/index.ts';
import { useTempStoreFile } from '../helpers/temp-store.ts';

let file: string;
useTempStoreFile((f) => (file = f));

function sample(eventIds: string[]): StoreData {
  const data = createStore(new Date('2026-01-01T00:00:00Z'));
  data.contacts.push({ id: 'c_1', fields: { email: 'a@x.example' }, tags: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', scores: {}, segments: [] });
  for (const id of eventIds) data.events.push({ id, contact: 'c_1', event: 'page.viewed', at: '2026-01-02T00:00:00.000Z', data: { url: '/' } });
  data.enrollments.push({ id: 'n_1', campaign: 'welcome', contact: 'c_1', seq: 1, status: 'active', step: 'first', enteredAt: '2026-01-02T00:00:00.000Z', wakeAt: null, stepEnteredAt: '2026-01-02T00:00:00.000Z', history: [] } as unknown as StoreData['enrollments'][number]);
  return data;
}

describe('readForIngest', () => {
  it("reads the contacts' ids and emails and counts the history without parsing either; other collections are left out", async () => {
    await writeStore(file, sample(['e1', 'e2', 'e3']));
    const { data, contacts, historyLines } = await readForIngest(file, {}, 'email');
    expect(data!.contacts).toEqual([]);
    expect(contacts.size).toBe(1);
    expect(contacts.resolve('A@X.example')).toBe('c_1');
    expect(historyLines).toBe(3);
    expect(data!.events).toEqual([]);
    expect(data!.enrollments).toEqual([]);
  });

  it('counts no history in a store that has none', async () => {
    await writeStore(file, sample([]));
    expect((await readForIngest(file, {}, 'email')).historyLines).toBe(0);
  });

  it('refuses a store that gives two contacts one id, as the store reader does', async () => {
    const data = sample([]);
    data.contacts.push({ ...data.contacts[0]!, fields: { email: 'b@x.example' } });
    await writeStore(file, data);
    await expect(readForIngest(file, { label: 'store.json' }, 'email')).rejects.toThrow('The store "store.json" is damaged: the contact id "c_1" appears twice. Fix that, or restore the store from a backup (see "A corrupt store" in docs/store-format.md: deleting it would lose its suppression list); nothing was written.');
  });
});

describe('historyIdsAmong', () => {
  it('finds which of the ids the history holds, parsing only the lines that may hold one', async () => {
    await writeStore(file, sample(['e1', 'e2', 'e3']));
    expect(await historyIdsAmong(file, new Set(['e2', 'e3', 'e9']), {})).toEqual(new Set(['e2', 'e3']));
    expect(await historyIdsAmong(file, new Set(['e9']), {})).toEqual(new Set());
  });

  it('finds an id a hand edit spelled with an escape, or in another key order', async () => {
    await writeStore(file, sample(['e1', 'e2']));
    const text = readFileSync(file, 'utf8')
      .replace('{"id":"e1",', '{"id":"\\u0065\\u0031",')
      .replace('{"id":"e2","contact":"c_1",', '{"contact":"c_1","id":"e2",');
    writeFileSync(file, text);
    expect(await historyIdsAmong(file, new Set(['e1', 'e2']), {})).toEqual(new Set(['e1', 'e2']));
  });
});
