import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containsToken, findOutboxFiles, mentionsContact, planErase } from '../../src/contacts/erase-contact.ts';
import type { ContactRecord, StoredEvent } from '../../src/store/types.ts';
import { emptyStore } from '../helpers/program.ts';
import { tempDir } from '../helpers/run-cli.ts';

const NOW = '2026-03-01T10:00:00.000Z';
const contact = (id: string, email: string): ContactRecord => ({ id, fields: { email }, tags: [], createdAt: NOW, updatedAt: NOW, scores: {}, segments: [] });
const event = (id: string, who: string, data: Record<string, unknown>): StoredEvent => ({ id, contact: who, event: 'demo.requested', at: NOW, data });

describe('containsToken', () => {
  it('finds an address that ends a sentence, which an address cannot end with (QA: "Email: erin@x.example." survived erasure)', () => {
    expect(containsToken('email: erin.erase@example.com.', 'erin.erase@example.com')).toBe(true);
    expect(containsToken('invite erin.erase@example.com... or not', 'erin.erase@example.com')).toBe(true);
    expect(containsToken('"invite erin.erase@example.com."}', 'erin.erase@example.com')).toBe(true);
  });

  it('still rejects longer addresses that merely start or end with it', () => {
    expect(containsToken('to: erin.erase@example.com.au', 'erin.erase@example.com')).toBe(false);
    expect(containsToken('to: erin.erase@example.com.au.', 'erin.erase@example.com')).toBe(false);
    expect(containsToken('to: erin.erase@example.community', 'erin.erase@example.com')).toBe(false);
    expect(containsToken('to: verin.erase@example.com', 'erin.erase@example.com')).toBe(false);
    expect(containsToken('to: a.erin.erase@example.com.', 'erin.erase@example.com')).toBe(false);
  });
});

describe('containsToken in JSON text', () => {
  it('finds an address after an escape (a line break in a message), not one after an escaped backslash and a letter', () => {
    const json = (text: string) => JSON.stringify({ message: text });
    expect(containsToken(json('Hi,\nerin.erase@example.com'), 'erin.erase@example.com', { json: true })).toBe(true);
    expect(containsToken(json('Hi,\t"erin.erase@example.com"'), 'erin.erase@example.com', { json: true })).toBe(true);
    expect(containsToken(json('C:\\nerin.erase@example.com'), 'erin.erase@example.com', { json: true })).toBe(false);
    expect(containsToken(json('Hi,\nerin.erase@example.com'), 'erin.erase@example.com')).toBe(false);
  });
});

describe('planErase', () => {
  it("counts the contact's events and, in the same pass, other contacts' events whose data mentions it", () => {
    const data = emptyStore();
    const erin = contact('c_e', 'Erin.Erase@example.com');
    data.contacts.push(erin, contact('c_a', 'alice@example.com'));
    data.events.push(
      event('e1', 'c_e', { message: 'mine: erin.erase@example.com' }),
      event('e2', 'c_a', { message: 'my colleague ERIN.ERASE@example.com wants a demo too' }),
      event('e3', 'c_a', { message: 'Please also invite erin.erase@example.com.' }),
      event('e4', 'c_a', { referredBy: 'c_e' }),
      event('e5', 'c_a', { message: 'verin.erase@example.com, erin.erase@example.com.au' }),
      event('e6', 'c_a', {}),
      event('e7', 'c_a', { message: 'Hi,\nerin.erase@example.com is my colleague' }),
    );
    const plan = planErase(data, erin, 'email');
    expect(plan.events).toBe(1);
    expect(plan.historyMentions).toBe(4);
    expect(mentionsContact(plan)(JSON.stringify(data.events[2]))).toBe(true);
  });

  it('matches an id mention without an address to look for', () => {
    const data = emptyStore();
    const nobody = { ...contact('c_x', ''), fields: {} };
    data.events.push(event('e1', 'c_a', { about: 'c_x' }), event('e2', 'c_a', { about: 'c_xy' }), event('e3', 'c_a', { message: 'please loop in my colleague c_x (Ryan)' }), event('e4', 'c_a', { message: 'see c_x2 and ac_x' }));
    // A word in a text counts too (QA: "loop in my colleague c_000009" got no warning); a longer word does not.
    expect(planErase(data, nobody, 'email').historyMentions).toBe(2);
  });
});

describe('findOutboxFiles', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  /** Erin's plan against an outbox folder holding `files` (name → content); the names found. */
  async function found(files: Record<string, string>): Promise<string[]> {
    const data = emptyStore();
    const erin = contact('c_e', 'erin.erase@example.com');
    data.contacts.push(erin);
    const outbox = path.join(dir, 'outbox');
    mkdirSync(outbox);
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(outbox, name), text);
    return (await findOutboxFiles(outbox, data, planErase(data, erin, 'email'))).map((file) => path.basename(file));
  }

  it("finds the temporary files a killed run left holding the contact's messages (QA: one survived the erasure)", async () => {
    const temp = '.birthday__c_e__1__greeting.0a7137aabf.eml.29295.b4c2cf7f.0.tmp';
    expect(await found({
      [temp]: 'To: erin.erase@example.com\nSubject: Happy birthday, Erin!\n\nHi',
      '.birthday__c_a__1__greeting.1b7137aabf.eml.29295.b4c2cf7f.1.tmp': 'To: alice@example.com\nSubject: Happy birthday, Alice!\n\nHi',
    })).toEqual([temp]);
  });

  it('finds a notification naming the contact at the end of a sentence, not one naming a longer address (QA)', async () => {
    const notification = 'threshold__engagement__mql__c_e__alert-sales.1788ef5721.eml';
    expect(await found({
      [notification]: 'To: sales@example.com\nSubject: New MQL: Erin\n\nErin just reached 100 engagement =\npoints. Plan: free. Email: erin.erase@example.com.\n',
      'birthday__c_a__1__greeting.2c7137aabf.eml': 'To: alice@example.com\n\nerin.erase@example.com.au',
    })).toEqual([notification]);
  });

  it('finds the address in a quoted-printable body that broke its line inside it', async () => {
    const notification = 'threshold__engagement__mql__c_e__alert-sales.1788ef5721.eml';
    // What `qpWrap` makes of a long line ending "Email: erin.erase@example.com.": a soft break after "erin.".
    expect(await found({ [notification]: `To: sales@example.com\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${'x'.repeat(50)} Email: erin.=\r\nerase@example.com.\r\n` })).toEqual([notification]);
  });
});
