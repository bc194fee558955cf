import { ContactIdBytes } from './contact-index.ts';
import { normalizeEmail } from './suppression.ts';

/**
 * The two things `campaign events ingest` needs of each contact — its id and its email — read
 * from the store's contact lines without parsing them. Parsing 100k contacts into objects took
 * most of the second it spent reading the store, for fields it never looks at. A line is read
 * from its text only in the form `writeStore` gives it, `{"id":"…","fields":{"EMAIL":"…",…`,
 * ending with its closing brace, with no escape in either value and neither key (nor "fields")
 * given a second time; any other line (a hand edit, a contact without an email) is parsed, and
 * what JSON.parse makes of it counts. The lines read from their text are not checked further:
 * a contact's other members are for `campaign run` to check.
 */
export class ContactKeys {
  /**
   * The ids and emails as UTF-8 bytes, one after the other: a slice of a line would keep the whole
   * block of text it was cut from alive (V8 shares it), and the garbage collector then moved 50 MB
   * of them to the old generation.
   */
  private readonly ids = new Bytes();
  private readonly emails = new Bytes();
  /** Where each contact's id ends, and its email starts (-1: it has none) and ends. */
  private readonly idEnds: number[] = [];
  private readonly emailStarts: number[] = [];
  private readonly emailEnds: number[] = [];
  private table: ContactIdBytes | undefined;
  private byEmail: Map<string, string> | undefined;
  /** What follows the id in a line as `writeStore` writes it: the fields, the email first. */
  private readonly fieldsPrefix: string;
  /** Any of the keys read, given (again) after where they were read. */
  private readonly keyAgain: RegExp;

  constructor(
    /** The contact field holding the email address (`settings.fields.email`). */
    private readonly emailField: string,
  ) {
    const emailKey = `${JSON.stringify(emailField)}:`;
    this.fieldsPrefix = `,"fields":{${emailKey}"`;
    this.keyAgain = new RegExp(`"id":|"fields":|${emailKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'g');
  }

  get size(): number {
    return this.idEnds.length;
  }

  /**
   * A contact line of the store (without its trailing comma): its id and email recorded. Whether
   * the reader still has to parse it — true for a line not in `writeStore`'s form, whose keys are
   * then taken from JSON.parse here and whose damage the store's reader reports.
   */
  add(line: string): boolean {
    if (this.quickKeys(line)) return false;
    let contact: { id?: unknown; fields?: Record<string, unknown> } | null;
    try {
      contact = JSON.parse(line) as typeof contact;
    } catch {
      // The store's reader parses it next and says where the file is broken.
      return true;
    }
    if (contact !== null && typeof contact === 'object' && typeof contact.id === 'string') {
      const email = typeof contact.fields === 'object' && contact.fields !== null ? contact.fields[this.emailField] : undefined;
      this.push(contact.id, typeof email === 'string' ? email : undefined);
    }
    return true;
  }

  /** The id of the contact with this id or email (case-insensitive), as `ContactIndex.find` finds it; null when none. */
  resolve(idOrEmail: string): string | null {
    const key = Buffer.from(idOrEmail);
    if (this.idBytes().has(key, 0, key.length)) return idOrEmail;
    if (!idOrEmail.includes('@')) return null;
    if (!this.byEmail) {
      // As ContactIndex builds its map: a later contact with the same address wins.
      this.byEmail = new Map();
      for (let i = 0; i < this.size; i++) {
        const start = this.emailStarts[i]!;
        if (start >= 0) this.byEmail.set(normalizeEmail(this.emails.text(start, this.emailEnds[i]!)), this.idAt(i));
      }
    }
    return this.byEmail.get(normalizeEmail(idOrEmail)) ?? null;
  }

  /** The contacts' ids, found by their bytes (`events ingest` reads its rows as bytes); once every line is read. */
  idBytes(): ContactIdBytes {
    this.table ??= new ContactIdBytes(this.ids.bytes, this.idEnds);
    return this.table;
  }

  /** An id given to two contacts (the store's reader refuses such a store), or undefined. */
  repeatedId(): string | undefined {
    let sorted = true;
    for (let i = 1; i < this.size && sorted; i++) if (Buffer.compare(this.idBytesOf(i - 1), this.idBytesOf(i)) >= 0) sorted = false;
    if (sorted) return undefined;
    const seen = new Set<string>();
    for (let i = 0; i < this.size; i++) {
      const id = this.idAt(i);
      if (seen.has(id)) return id;
      seen.add(id);
    }
    return undefined;
  }

  private push(id: string, email: string | undefined): void {
    this.idEnds.push(this.ids.append(id));
    this.emailStarts.push(email === undefined ? -1 : this.emails.length);
    this.emailEnds.push(email === undefined ? -1 : this.emails.append(email));
  }

  private idAt(i: number): string {
    return this.ids.text(i > 0 ? this.idEnds[i - 1]! : 0, this.idEnds[i]!);
  }

  private idBytesOf(i: number): Buffer {
    return this.ids.bytes.subarray(i > 0 ? this.idEnds[i - 1]! : 0, this.idEnds[i]!);
  }

  /** Records the keys of a line in `writeStore`'s form; false for any other line. */
  private quickKeys(line: string): boolean {
    const { fieldsPrefix, keyAgain } = this;
    // A line cut short (a hand edit) is parsed, and the reader says where.
    if (!line.startsWith(ID_PREFIX) || !line.endsWith('}')) return false;
    const idEnd = line.indexOf('"', ID_PREFIX.length);
    if (idEnd <= ID_PREFIX.length) return false;
    if (!line.startsWith(fieldsPrefix, idEnd + 1)) return false;
    const emailFrom = idEnd + 1 + fieldsPrefix.length;
    const emailEnd = line.indexOf('"', emailFrom);
    if (emailEnd < 0) return false;
    const id = line.slice(ID_PREFIX.length, idEnd);
    const email = line.slice(emailFrom, emailEnd);
    if (id.includes('\\') || email.includes('\\')) return false;
    // A key given twice: JSON.parse keeps the last one, which is not the one read here.
    keyAgain.lastIndex = emailEnd;
    if (keyAgain.test(line)) return false;
    this.push(id, email);
    return true;
  }
}

const ID_PREFIX = '{"id":"';

/** UTF-8 text appended to a buffer that grows as needed. */
class Bytes {
  bytes = Buffer.allocUnsafe(64 * 1024);
  length = 0;

  /** Appends `text`; where it ends. */
  append(text: string): number {
    if (this.length + text.length * 3 > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + text.length * 3));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    this.length += this.bytes.write(text, this.length);
    return this.length;
  }

  text(from: number, to: number): string {
    return this.bytes.toString('utf8', from, to);
  }
}
