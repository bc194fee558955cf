import { describe, expect, it } from 'vitest';
import { ContactKeys } from '../../src/store/contact-keys.ts';
import { ContactIndex } from '../../src/store/contact-index.ts';
import type { ContactRecord } from '../../src/store/types.ts';

function contact(id: string, fields: Record<string, unknown>): ContactRecord {
  return { id, fields, tags: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', scores: {}, segments: [] };
}

/** The lines, each read by `ContactKeys`; which of them it leaves to the store's reader to parse. */
function keysOf(lines: string[], emailField = 'email') {
  const keys = new ContactKeys(emailField);
  const parsed = lines.filter((line) => keys.add(line));
  return { keys, parsed };
}

describe('ContactKeys', () => {
  it("reads the id and email of a line as writeStore writes it without parsing it, and finds contacts as ContactIndex does", () => {
    const contacts = [contact('c_1', { email: 'Ada@Acme.example', plan: 'pro' }), contact('c_2', { email: ' bo@x.example ' }), contact('c_3', { email: 'ada@acme.example' })];
    const { keys, parsed } = keysOf(contacts.map((c) => JSON.stringify(c)));
    expect(parsed).toEqual([]);
    const index = new ContactIndex(contacts, 'email');
    for (const asked of ['c_1', 'c_2', 'c_9', 'ADA@acme.example', 'bo@x.example', 'nobody@x.example', 'c_1@']) {
      expect(keys.resolve(asked)).toBe(index.find(asked)?.id ?? null);
    }
    expect(keys.idBytes().has(Buffer.from('c_2'), 0, 3)).toBe(true);
    expect(keys.idBytes().has(Buffer.from('c_9'), 0, 3)).toBe(false);
  });

  it('leaves any other line to the reader, and takes its keys from JSON.parse', () => {
    const lines = [
      '{"id":"c_\\u0031","fields":{"email":"one@x.example"},"tags":[],"scores":{},"segments":[]}',
      '{"id":"c_2","fields":{"email":"tw\\u006f@x.example"},"tags":[],"scores":{},"segments":[]}',
      '{"fields":{"email":"three@x.example"},"id":"c_3","tags":[],"scores":{},"segments":[]}',
      '{"id":"c_4","fields":{"plan":"pro","email":"four@x.example"},"tags":[],"scores":{},"segments":[]}',
      '{"id":"c_5","fields":{"email":"five@x.example"},"tags":[],"scores":{},"segments":[],"id":"c_55"}',
      '{"id":"c_6","fields":{"email":"six@x.example","email":"sixth@x.example"},"tags":[],"scores":{},"segments":[]}',
      '{"id":"c_7","fields":{"email":"seven@x.example"},"tags":[],"scores":{},"segments":[],"fields":{}}',
      '{"id":"c_8","fields":{"email":"eight@x.example"},"tags":[',
      '{"id":"c_9","fields":{},"tags":[],"scores":{},"segments":[]}',
    ];
    const { keys, parsed } = keysOf(lines);
    expect(parsed).toEqual(lines);
    expect(keys.size).toBe(8);
    expect(keys.resolve('c_1')).toBe('c_1');
    expect(keys.resolve('one@x.example')).toBe('c_1');
    expect(keys.resolve('two@x.example')).toBe('c_2');
    expect(keys.resolve('three@x.example')).toBe('c_3');
    expect(keys.resolve('four@x.example')).toBe('c_4');
    expect(keys.resolve('c_5')).toBeNull();
    expect(keys.resolve('c_55')).toBe('c_55');
    expect(keys.resolve('six@x.example')).toBeNull();
    expect(keys.resolve('sixth@x.example')).toBe('c_6');
    expect(keys.resolve('seven@x.example')).toBeNull();
    expect(keys.resolve('c_8')).toBeNull();
    expect(keys.resolve('c_9')).toBe('c_9');
  });

  it('reads the email from the field the settings name', () => {
    const { keys, parsed } = keysOf([JSON.stringify(contact('c_1', { workEmail: 'w@x.example', email: 'e@x.example' }))], 'workEmail');
    expect(parsed).toEqual([]);
    expect(keys.resolve('w@x.example')).toBe('c_1');
    expect(keys.resolve('e@x.example')).toBeNull();
  });

  it('names an id given to two contacts, sorted or not', () => {
    expect(keysOf(['c_1', 'c_2', 'c_3'].map((id) => JSON.stringify(contact(id, { email: `${id}@x.example` })))).keys.repeatedId()).toBeUndefined();
    expect(keysOf(['c_2', 'c_1', 'c_3'].map((id) => JSON.stringify(contact(id, {})))).keys.repeatedId()).toBeUndefined();
    expect(keysOf(['c_1', 'c_2', 'c_1'].map((id) => JSON.stringify(contact(id, { email: `${id}@x.example` })))).keys.repeatedId()).toBe('c_1');
  });
});
