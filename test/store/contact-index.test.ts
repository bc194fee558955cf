import { describe, expect, it } from 'vitest';
import { ContactIndex, contactIdForEmail, suppressionHash, type ContactRecord } from '../../src/store/index.ts';

const contact = (id: string, email?: string): ContactRecord => ({
  id,
  fields: email === undefined ? {} : { email },
  tags: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  scores: {},
  segments: [],
});

describe('ContactIndex', () => {
  it('finds contacts by id and by email, ignoring case and spaces', () => {
    const index = new ContactIndex([contact('a', 'Ada@Acme.example'), contact('b')], 'email');
    expect(index.byId('a')?.id).toBe('a');
    expect(index.byEmail(' ada@ACME.example ')?.id).toBe('a');
    expect(index.find('ADA@acme.example')?.id).toBe('a');
    expect(index.find('b')?.id).toBe('b');
    expect(index.find('nobody@x.example')).toBeUndefined();
  });

  it('keeps both maps current on upsert and remove, and sorts additions', () => {
    const index = new ContactIndex([contact('b', 'b@x.example'), contact('d', 'd@x.example')], 'email');
    expect(index.sorted().map((c) => c.id)).toEqual(['b', 'd']);
    index.upsert(contact('b', 'new@x.example'));
    expect(index.byEmail('b@x.example')).toBeUndefined();
    expect(index.byEmail('new@x.example')?.id).toBe('b');
    index.upsert(contact('a', 'a@x.example'));
    index.upsert(contact('c'));
    expect(index.sorted().map((c) => c.id)).toEqual(['a', 'b', 'c', 'd']);
    index.remove('d');
    expect(index.byEmail('d@x.example')).toBeUndefined();
    expect(index.size).toBe(3);
  });
});

describe('hashes', () => {
  it('hashes the normalised address', () => {
    expect(suppressionHash(' Ada@Acme.Example ')).toBe(suppressionHash('ada@acme.example'));
    expect(suppressionHash('ada@acme.example')).toMatch(/^[0-9a-f]{64}$/);
    expect(contactIdForEmail('ADA@acme.example')).toBe(`c_${suppressionHash('ada@acme.example').slice(0, 16)}`);
  });
});
