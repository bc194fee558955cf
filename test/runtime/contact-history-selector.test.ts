import { describe, expect, it } from 'vitest';
import { contactAndHistorySelector } from '../../src/runtime/contact-selector.ts';
import type { ContactRecord } from '../../src/store/types.ts';

describe('contactAndHistorySelector', () => {
  it('keeps the contacts that may be the one named, and the events that may have the id it gives for the contacts read', () => {
    const asked: (readonly ContactRecord[])[] = [];
    const select = contactAndHistorySelector('c_1', (contacts) => {
      asked.push(contacts);
      return 'e_9';
    });
    const contacts = [{ id: 'c_1' }] as unknown as ContactRecord[];
    expect(select('contacts', {})!('{"id":"c_1","fields":{}}')).toBe(true);
    expect(select('contacts', {})!('{"id":"c_2","fields":{}}')).toBe(false);
    const events = select('events', { contacts })!;
    expect(asked).toEqual([contacts]);
    expect([events('{"id":"e_9","contact":"c_1"}'), events('{"id":"e_8","contact":"c_1"}'), events('{"id":"e_\\u0039"}')]).toEqual([true, false, true]);
    expect(select('outbox', { contacts })!('{"contact":"c_1"}')).toBe(false);
  });

  it('keeps no event when there is no id, and every event when the contacts are not read yet or cannot be looked at', () => {
    expect(contactAndHistorySelector('c_1', () => undefined)('events', { contacts: [] })!('{"id":"e_9"}')).toBe(false);
    expect(contactAndHistorySelector('c_1', () => 'e_9')('events', {})).toBeUndefined();
    const throws = contactAndHistorySelector('c_1', () => {
      throw new TypeError('malformed');
    });
    expect(throws('events', { contacts: [null] })).toBeUndefined();
  });
});
