import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.ts';
import { createStore, openStore, readStore, StoreAdapter, writeStore, type StoreData } from '../../src/store/index.ts';
import { tempDir } from '../helpers/run-cli.ts';

let dir: string;
let cleanup: () => void;
let file: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  file = path.join(dir, 'nested', 'store.json');
});
afterEach(() => cleanup());

const now = () => new Date('2026-03-01T10:00:00Z');

function sample(): StoreData {
  const data = createStore(new Date('2026-01-01T00:00:00Z'));
  for (const id of ['c_2', 'c_1']) {
    data.contacts.push({ id, fields: { email: `${id}@x.example`, n: 1 }, tags: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', scores: {}, segments: [] });
  }
  data.contacts.sort((a, b) => a.id.localeCompare(b.id));
  data.audit.push({ at: '2026-01-01T00:00:00.000Z', actor: 't', action: 'import', summary: 's' });
  return data;
}

async function expectUserError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(isUserError(error), String(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).not.toContain('\n');
}

describe('store file', () => {
  it('returns null when there is no store yet', async () => {
    expect(await readStore(file)).toBeNull();
  });

  it('writes the line layout atomically and reads it back; serial grows on every write', async () => {
    const data = sample();
    await writeStore(file, data, { now });
    expect(data.serial).toBe(1);
    expect(data.savedAt).toBe('2026-03-01T10:00:00.000Z');
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\{"format":"campaignkit-store","formatVersion":1,"lineage":"[0-9a-f-]{36}","unsubscribeSecret":"[0-9a-f]{64}","serial":1,"savedAt":"2026-03-01T10:00:00.000Z","clock":null,"deployed":null,$/);
    expect(lines).toContain('"contacts":[');
    expect(lines[lines.indexOf('"contacts":[') + 1]).toMatch(/^\{"id":"c_1",.*\},$/);
    expect(lines).toContain('"enrollments":[],');
    expect(JSON.parse(text)).toEqual(data);
    expect(readdirSync(path.dirname(file))).toEqual(['store.json']);

    const back = (await readStore(file))!;
    expect(back).toEqual(data);
    await writeStore(file, back, { now });
    expect(back.serial).toBe(2);
    expect((await readStore(file))!.serial).toBe(2);
  });

  it('works through lowdb', async () => {
    await writeStore(file, sample(), { now });
    const db = await openStore(file);
    expect(db.data?.contacts).toHaveLength(2);
    db.data!.contacts.pop();
    await db.write();
    const back = (await readStore(file))!;
    expect(back.contacts.map((c) => c.id)).toEqual(['c_1']);
    expect(back.serial).toBe(2);
    expect(new StoreAdapter(file).label).toBe(file);
  });

  it('reads a store whose layout was changed by hand but is still valid JSON', async () => {
    const data = sample();
    await writeStore(file, data, { now });
    writeFileSync(file, JSON.stringify(JSON.parse(readFileSync(file, 'utf8')), null, 2));
    const back = (await readStore(file))!;
    expect(back.contacts).toHaveLength(2);
    await writeStore(file, back, { now });
    expect(readFileSync(file, 'utf8').split('\n')[0]).toContain('"serial":2');
  });

  describe('refuses a store it cannot read, and leaves its bytes alone', () => {
    const cases: [string, (text: string) => string, RegExp][] = [
      ['truncated', (t) => t.slice(0, Math.floor(t.length * 0.6)), /is not valid JSON \(line \d+: .*\)\. Fix that, or restore the store from a backup \(see \"A corrupt store\" in docs\/store-format\.md: deleting it would lose its suppression list\); nothing was written\./],
      ['garbage', () => 'PK\u0003\u0004 not json at all', /is not a campaignkit store: it is not JSON \(line 1: .*\)\. Check the path given to --store/],
      ['empty', () => '', /is not a campaignkit store: it is not JSON/],
      ['another JSON Lines file', () => '{"id":"e1","contact":"c_1"}\n{"id":"e2","contact":"c_1"}\n', /is not a campaignkit store: it is not JSON \(line 2/],
      ['newer format', (t) => t.replace('"formatVersion":1', '"formatVersion":2'), /was written by a newer campaignkit \(format 2\); upgrade campaignkit to read it\. Nothing was changed\./],
      ['wrong format tag', (t) => t.replace('"campaignkit-store"', '"something-else"'), /is not a campaignkit store: its format tag is "something-else"/],
      ['not a store', () => '{"hello":"world"}\n', /is not a campaignkit store: it has no "format" tag/],
      ['missing collection', (t) => t.replace(/"webhooks":\[\],\n/, ''), /is damaged: the "webhooks" collection is missing/],
      ['bad contact', (t) => t.replace('{"id":"c_2",', '{"idx":"c_2",'), /is damaged: .*contacts/],
      ['score that is not a score state', (t) => t.replace(/("id":"c_2".*?"scores":)\{\}/, '$1{"fit":7}'), /is damaged: contacts\[1\] \("c_2"\): "scores\.fit" is not a score state/],
      ['duplicate contact id', (t) => t.replace('{"id":"c_2",', '{"id":"c_1",'), /the contact id "c_1" appears twice/],
      ['bad header', (t) => t.replace('"serial":1', '"serial":"one"'), /is damaged: "serial"/],
      ['clock that is not an instant (QA: a stack trace at the run)', (t) => t.replace(/"clock":(null|"[^"]*")/, '"clock":"31/12/2026"'), /is damaged: "clock": expected an instant such as 2026-11-01T00:00:00\.000Z\. Fix that/],
    ];
    for (const [name, corrupt, message] of cases) {
      it(name, async () => {
        await writeStore(file, sample(), { now });
        writeFileSync(file, corrupt(readFileSync(file, 'utf8')));
        const before = readFileSync(file);
        await expectUserError(readStore(file, { label: 'store.json' }), message);
        expect(readFileSync(file).equals(before)).toBe(true);
      });
    }

    it('names the line of a broken element', async () => {
      await writeStore(file, sample(), { now });
      const text = readFileSync(file, 'utf8');
      const line = text.split('\n').findIndex((l) => l.startsWith('{"id":"c_2"')) + 1;
      writeFileSync(file, text.replace('{"id":"c_2",', '{"id":"c_2",,'));
      await expectUserError(readStore(file, { label: 'store.json' }), new RegExp(`^The store "store.json" is not valid JSON \\(line ${line}:`));
    });
  });

  it('refuses an event or enrollment edited by hand beyond the checked sample, naming it, instead of failing in a later command', async () => {
    // 200 of each: zod checks a sample of 64, which leaves out index 1.
    const many = (): StoreData => {
      const data = sample();
      for (let i = 0; i < 200; i++) {
        data.events.push({ id: `e_${i}`, contact: 'c_1', event: 'page.viewed', at: '2026-01-01T00:00:00.000Z', data: { url: '/' } });
        data.enrollments.push({ id: `trial/c_1/${i + 1}`, campaign: 'trial', contact: 'c_1', seq: i + 1, status: 'completed', step: null, phase: 'pending', enteredAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', wakeAt: null, history: [] });
      }
      return data;
    };
    const cases: [(text: string) => string, RegExp][] = [
      [(t) => t.replace('"id":"e_1","contact":"c_1","event":"page.viewed","at":"2026-01-01T00:00:00.000Z","data":{"url":"/"}', '"id":"e_1","contact":"c_1","event":"page.viewed","at":"2026-01-01T00:00:00.000Z","data":null'), /is damaged: events\[1\] \("e_1"\) is not an event/],
      [(t) => t.replace('"id":"e_1","contact":"c_1","event":"page.viewed","at":"2026-01-01T00:00:00.000Z"', '"id":"e_1","contact":"c_1","event":"page.viewed","at":5'), /is damaged: events\[1\] \("e_1"\) is not an event/],
      [(t) => t.replace(/("id":"trial\/c_1\/2".*?"history":)\[\]/, '$1null'), /is damaged: enrollments\[1\] \("trial\/c_1\/2"\) is not an enrollment/],
    ];
    for (const [i, [corrupt, message]] of cases.entries()) {
      const store = path.join(dir, `case-${i}`, 'store.json');
      await writeStore(store, many(), { now });
      const text = readFileSync(store, 'utf8');
      const corrupted = corrupt(text);
      expect(corrupted).not.toBe(text);
      writeFileSync(store, corrupted);
      await expectUserError(readStore(store, { label: 'store.json' }), message);
      expect(readFileSync(store, 'utf8')).toBe(corrupted);
    }
  });

  it('refuses a store path that is a folder, saying so, and creates nothing in it', async () => {
    mkdirSync(file, { recursive: true });
    await expectUserError(readStore(file, { label: 'nested/store.json' }), /^"nested\/store\.json" is a folder, not a store file; give the path of the store file itself\. Nothing was written\.$/);
    expect(readdirSync(file)).toEqual([]);
  });

  it('never overwrites a store it did not read, or one that changed since', async () => {
    const first = sample();
    await writeStore(file, first, { now });
    const before = readFileSync(file);
    await expectUserError(writeStore(file, createStore(), { label: 'store.json' }), /A store already exists at "store.json"/);
    const a = (await readStore(file))!;
    const b = (await readStore(file))!;
    await writeStore(file, a, { now });
    const afterA = readFileSync(file);
    expect(afterA.equals(before)).toBe(false);
    await expectUserError(writeStore(file, b), /was changed by another process since it was read \(serial 1, now 2\)/);
    expect(readFileSync(file).equals(afterA)).toBe(true);
    expect(b.serial).toBe(1);
  });

  it('reads a store an editor saved with a byte-order mark (QA: refused, naming an invisible character)', async () => {
    await writeStore(file, sample(), { now });
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `\uFEFF${text}`);
    expect((await readStore(file))!.serial).toBe(1);
  });

  it('refuses to replace an unreadable file', async () => {
    await writeStore(file, sample(), { now });
    const data = (await readStore(file))!;
    writeFileSync(file, 'garbage');
    await expectUserError(writeStore(file, data), /is not a campaignkit store: it is not JSON/);
    expect(readFileSync(file, 'utf8')).toBe('garbage');
    expect(existsSync(file)).toBe(true);
  });
});
