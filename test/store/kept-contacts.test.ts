import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStore, lineLayoutChunks, readStore, writeStore, type StoreData } from '../../src/store/index.ts';
import type { ContactRecord } from '../../src/store/types.ts';
import { useTempStoreFile } from '../helpers/temp-store.ts';

let file: string;
useTempStoreFile((f) => (file = f));

const now = () => new Date('2026-03-01T10:00:00Z');
const contact = (n: number): ContactRecord => ({
  id: `c_${n}`,
  fields: { email: `p${n}@x.example`, name: n === 2 ? 'Zoë — ✓ \u{1F600}' : `P ${n}` },
  tags: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  scores: { engagement: { value: n, asOf: '2026-01-01T00:00:00.000Z', rules: { open: { points: n, count: 1 } }, manual: 0, above: [] } },
  segments: [],
});

/** Writes a store of `n` contacts, then gives every contact line a space after its id's colon (same value). */
async function spacedStore(n: number): Promise<void> {
  rmSync(file, { force: true });
  const data = createStore(new Date('2026-01-01T00:00:00Z'));
  for (let i = 1; i <= n; i++) data.contacts.push(contact(i));
  await writeStore(file, data, { now });
  writeFileSync(file, readFileSync(file, 'utf8').replaceAll('{"id":"c_', '{"id": "c_'));
}

const serialised = (data: StoreData) => [...lineLayoutChunks(data)].join('');
/** The ids of the contacts whose lines were copied (they keep the space). */
const copiedIds = () => [...readFileSync(file, 'utf8').matchAll(/\{"id": "(c_\d+)"/g)].map((m) => m[1]);

describe('writing a store with the contacts that may have changed copies the other contacts’ lines', () => {
  it('copies the lines of contacts not named, serialises those named (changed in place) and those replaced', async () => {
    await spacedStore(6);
    const data = (await readStore(file))!;
    data.contacts[1]!.scores.engagement!.rules.open!.points = 7;
    data.contacts[3] = { ...data.contacts[3]!, tags: ['vip'] };
    data.contacts[5]!.fields = { ...data.contacts[5]!.fields, name: 'Renamed' };
    await writeStore(file, data, { now, changedContacts: new Set(['c_2', 'c_6']) });
    expect(copiedIds()).toEqual(['c_1', 'c_3', 'c_5']);
    // Without the copied lines' spaces, it is the full serialisation.
    expect(readFileSync(file, 'utf8').replaceAll('{"id": "c_', '{"id":"c_')).toBe(serialised(data));
    expect((await readStore(file))!.contacts).toEqual(data.contacts);
  });

  it('copies the runs of contacts around added and removed ones, the last line without its comma', async () => {
    await spacedStore(5);
    const data = (await readStore(file))!;
    data.contacts.pop();
    await writeStore(file, data, { now, changedContacts: new Set() });
    expect(copiedIds()).toEqual(['c_1', 'c_2', 'c_3', 'c_4']);
    expect(readFileSync(file, 'utf8').replaceAll('{"id": "c_', '{"id":"c_')).toBe(serialised(data));

    const again = (await readStore(file))!;
    again.contacts.push(contact(9));
    await writeStore(file, again, { now, changedContacts: new Set(['c_2']) });
    expect(copiedIds()).toEqual(['c_1', 'c_3', 'c_4']);
    expect(readFileSync(file, 'utf8').replaceAll('{"id": "c_', '{"id":"c_')).toBe(serialised(again));
  });

  it('serialises every contact without the set, or when the file changed since it was read', async () => {
    for (const write of [
      (data: StoreData) => writeStore(file, data, { now }),
      (data: StoreData) => (utimesSync(file, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z')), writeStore(file, data, { now, changedContacts: new Set() })),
    ]) {
      await spacedStore(3);
      const data = (await readStore(file))!;
      await write(data);
      expect(readFileSync(file, 'utf8')).toBe(serialised(data));
    }
  });
});
