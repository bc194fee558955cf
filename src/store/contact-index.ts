import { ByteRangeTable, hashBytes } from '../text/byte-range-table.ts';
import type { ContactRecord } from './types.ts';
import { normalizeEmail } from './suppression.ts';

/**
 * An in-memory index of a store's contacts by id and by normalised email. Build it once per
 * command (not per row); `upsert`/`remove` keep both maps current, and `sorted()` gives the
 * contacts back in id order for writing.
 */
export class ContactIndex {
  private readonly ids = new Map<string, ContactRecord>();
  private readonly emails = new Map<string, string>();
  private added = false;

  constructor(
    contacts: readonly ContactRecord[],
    /** The contact field holding the email address (`settings.fields.email`). */
    readonly emailField: string,
  ) {
    for (const contact of contacts) {
      this.ids.set(contact.id, contact);
      const email = this.emailOf(contact);
      if (email !== undefined) this.emails.set(email, contact.id);
    }
  }

  get size(): number {
    return this.ids.size;
  }

  byId(id: string): ContactRecord | undefined {
    return this.ids.get(id);
  }

  byEmail(email: string): ContactRecord | undefined {
    const id = this.emails.get(normalizeEmail(email));
    return id === undefined ? undefined : this.ids.get(id);
  }

  /** By id, else by email (case-insensitive). */
  find(idOrEmail: string): ContactRecord | undefined {
    return this.byId(idOrEmail) ?? (idOrEmail.includes('@') ? this.byEmail(idOrEmail) : undefined);
  }

  /** Adds or replaces (by id) a contact. The caller checks that its email is not another contact's. */
  upsert(contact: ContactRecord): void {
    const previous = this.ids.get(contact.id);
    if (previous) {
      const oldEmail = this.emailOf(previous);
      if (oldEmail !== undefined && this.emails.get(oldEmail) === contact.id) this.emails.delete(oldEmail);
    } else {
      this.added = true;
    }
    this.ids.set(contact.id, contact);
    const email = this.emailOf(contact);
    if (email !== undefined) this.emails.set(email, contact.id);
  }

  remove(id: string): ContactRecord | undefined {
    const contact = this.ids.get(id);
    if (!contact) return undefined;
    this.ids.delete(id);
    const email = this.emailOf(contact);
    if (email !== undefined && this.emails.get(email) === id) this.emails.delete(email);
    return contact;
  }

  /** The normalised email of a contact, if it has one. */
  emailOf(contact: ContactRecord): string | undefined {
    const email = contact.fields[this.emailField];
    return typeof email === 'string' ? normalizeEmail(email) : undefined;
  }

  /** All contacts sorted by id (cheap when none were added: the input order is kept). */
  sorted(): ContactRecord[] {
    const all = [...this.ids.values()];
    return this.added ? all.sort(byId) : all;
  }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Contact ids found by their UTF-8 bytes, without making a string of them. */
export class ContactIdBytes {
  private readonly table: ByteRangeTable;

  /** `source` holds the ids one after the other, each ending where `ends` says. */
  constructor(source: Uint8Array, ends: readonly number[]) {
    this.table = new ByteRangeTable(source, ends.length);
    let at = 0;
    for (const end of ends) {
      this.table.add(at, end, hashBytes(source, at, end));
      at = end;
    }
  }

  static of(ids: readonly string[]): ContactIdBytes {
    const ends: number[] = [];
    let at = 0;
    for (const id of ids) ends.push((at += Buffer.byteLength(id)));
    return new ContactIdBytes(Buffer.from(ids.join('')), ends);
  }

  /** Whether the bytes of `bytes` from `from` to `to` are those of an id. */
  has(bytes: Uint8Array, from: number, to: number): boolean {
    return this.table.find(bytes, from, to, hashBytes(bytes, from, to)) >= 0;
  }
}
