import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStore, lineLayoutChunks, readStore, writeStore, type StoreData } from '../../src/store/index.ts';
import type { StoredEvent } from '../../src/store/types.ts';
import { useTempStoreFile } from '../helpers/temp-store.ts';

let file: string;
useTempStoreFile((f) => (file = f));

const now = () => new Date('2026-03-01T10:00:00Z');
const ev = (n: number, data: Record<string, unknown> = { n }): StoredEvent => ({ id: `e_${n}`, contact: 'c_1', event: 'page.viewed', at: `2026-01-0${1 + (n % 9)}T00:00:00.000Z`, data });

/** A store whose history has `n` events (one with text beyond ASCII), written by writeStore. */
async function written(n: number): Promise<StoreData> {
  rmSync(file, { force: true });
  const data = createStore(new Date('2026-01-01T00:00:00Z'));
  data.contacts.push({ id: 'c_1', fields: { email: 'a@x.example' }, tags: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', scores: {}, segments: [] });
  for (let i = 0; i < n; i++) data.events.push(ev(i, i === 1 ? { title: 'Café — ✓ \u{1F600}', n: i } : { n: i }));
  await writeStore(file, data, { now });
  return data;
}

/** The file as a full serialisation of `data` would write it (what the store held before copying lines). */
function serialised(data: StoreData): string {
  return [...lineLayoutChunks(data)].join('');
}

/** Edits the first event's line in place, keeping its meaning (a space after a colon): copied, it stays. */
function spaceInFirstEvent(): void {
  const text = readFileSync(file, 'utf8').replace('{"id":"e_0",', '{"id": "e_0",');
  writeFileSync(file, text);
}

describe('writing a store read from a file copies its history lines', () => {
  it('gives the bytes of a full serialisation when the history is unchanged or appended to', async () => {
    await written(5);
    const same = (await readStore(file))!;
    same.audit.push({ at: '2026-02-01T00:00:00.000Z', actor: 't', action: 'run', summary: 's' });
    await writeStore(file, same, { now });
    expect(readFileSync(file, 'utf8')).toBe(serialised(same));

    const appended = (await readStore(file))!;
    appended.events = [...appended.events, ev(7), ev(8, { nested: { a: [1, 'x'] } })];
    await writeStore(file, appended, { now });
    expect(readFileSync(file, 'utf8')).toBe(serialised(appended));
    expect((await readStore(file))!.events).toEqual(appended.events);
  });

  it('copies the lines as read when the history begins with every event read', async () => {
    await written(3);
    spaceInFirstEvent();
    const data = (await readStore(file))!;
    data.events.push(ev(9));
    await writeStore(file, data, { now });
    expect(readFileSync(file, 'utf8')).toContain('{"id": "e_0",');
    expect((await readStore(file))!.events.map((e) => e.id)).toEqual(['e_0', 'e_1', 'e_2', 'e_9']);
  });

  it('serialises the history again when an event read is gone or replaced, or the file changed since', async () => {
    for (const change of [
      (data: StoreData) => void data.events.shift(),
      (data: StoreData) => void (data.events[1] = { ...data.events[1]! }),
      (data: StoreData) => void (data.events = data.events.slice(1)),
      () => utimesSync(file, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z')),
    ]) {
      await written(3);
      spaceInFirstEvent();
      const data = (await readStore(file))!;
      change(data);
      await writeStore(file, data, { now });
      expect(readFileSync(file, 'utf8')).toBe(serialised(data));
    }
  });

  it('serialises the history again when the file has carriage returns, or elements without their commas', async () => {
    for (const edit of [(text: string) => text.replaceAll('\n', '\r\n'), (text: string) => text.replace('"e_0",', '"e_0" ,').replace(/(\{"id":"e_1".*),\n/, '$1\n')]) {
      await written(3);
      writeFileSync(file, edit(readFileSync(file, 'utf8')));
      const data = await readStore(file).catch(() => null);
      if (!data) continue;
      await writeStore(file, data, { now });
      expect(readFileSync(file, 'utf8')).toBe(serialised(data));
    }
  });
});
