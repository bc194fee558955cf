import { randomBytes, randomUUID } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { UserError } from '../errors.ts';
import { hashProgram } from '../ir/canonical.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { keepLines, keptLines, LINE_STARTS, type KeptLines } from './kept-lines.ts';
import { jsonErrorLine, jsonErrorText, LayoutError, lineLayoutBytes, parseLineLayout, type ElementSelector, type ElementSpans } from './line-json.ts';
import { STORE_FORMAT, STORE_FORMAT_VERSION, type StoreData } from './types.ts';
import { checkFormat, StoreShapeError, validateStore } from './validate-store.ts';

/** A store file that is not in the line layout is parsed whole only below this size (V8's string limit). */
const WHOLE_PARSE_LIMIT = 500 * 1024 * 1024;

/** Top-level members in the order they are written. */
const KEY_ORDER: readonly (keyof StoreData)[] = [
  'format', 'formatVersion', 'lineage', 'unsubscribeSecret', 'retiredUnsubscribeSecret', 'serial', 'savedAt', 'clock', 'journal', 'snapshot', 'deployed',
  'contacts', 'enrollments', 'events', 'pending', 'outbox', 'webhooks', 'suppression', 'audit',
];

export interface StoreFileOptions {
  /** How messages name the file (default: the path as given). */
  label?: string;
  /** The clock for `savedAt` (default: now). */
  now?: () => Date;
  /**
   * Writing: the contacts that may have changed since the store was read. Every other contact
   * that is still the record read is unchanged, and its line is copied from the file
   * (`kept-lines.ts`). Without it, every contact is serialised.
   */
  changedContacts?: ReadonlySet<string>;
}

/** Where each store object in memory was read from, to refuse writing over a newer file. */
const origins = new WeakMap<StoreData, { lineage: string; serial: number }>();

/** Stores read with an element selector: they lack elements, so writing one would lose them. */
const partial = new WeakSet<StoreData>();

/**
 * lowdb adapter for the store file: compact JSON in the line layout (`line-json.ts`), atomic
 * writes, and validation on read. `read()` returns null when there is no file; any other problem
 * is a UserError that says what to do. `write()` increments `serial`, sets `savedAt` (on the
 * object it is given), and refuses to replace a file it cannot read or that changed since it was read.
 */
export class StoreAdapter implements Adapter<StoreData> {
  readonly label: string;
  constructor(
    readonly file: string,
    private readonly options: StoreFileOptions = {},
    /** Parse only the collection elements it keeps (see `readStorePart`). */
    private readonly select?: ElementSelector,
  ) {
    this.label = options.label ?? file;
  }

  async read(): Promise<StoreData | null> {
    let doc: unknown;
    const spans: ElementSpans = { arrays: new Map(), lineStarts: LINE_STARTS };
    try {
      doc = await this.parse(spans);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (error instanceof UserError || typeof code !== 'string') throw error;
      if (code === 'ENOENT') return null;
      // `--store .campaign` for `--store .campaign/store.json`, or a settings.store of ''.
      if (code === 'EISDIR') throw new UserError(`"${this.label}" is a folder, not a store file; give the path of the store file itself. Nothing was written.`);
      throw new UserError(`Cannot read the store "${this.label}": ${(error as Error).message}. Nothing was written.`);
    }
    let version: number;
    try {
      version = checkFormat(doc);
    } catch (error) {
      throw new UserError(`"${this.label}" is not a campaignkit store: ${(error as Error).message}. Check the path given to --store (or the workspace's settings.store), or move this file away. Nothing was written.`);
    }
    if (version > STORE_FORMAT_VERSION) throw this.newer(version);
    let data: StoreData;
    try {
      data = validateStore(doc as Record<string, unknown>);
    } catch (error) {
      if (!(error instanceof StoreShapeError)) throw error;
      throw new UserError(`The store "${this.label}" is damaged: ${error.message}. Fix that, or restore the store from a backup (see "A corrupt store" in docs/store-format.md: deleting it would lose its suppression list); nothing was written.`);
    }
    this.checkDeployedHash(data);
    if (this.select) {
      partial.add(data);
    } else {
      origins.set(data, { lineage: data.lineage, serial: data.serial });
      keepLines(data, spans);
    }
    return data;
  }

  /**
   * The deployed program must be the one its hash names: plans compare hashes first ("no changes"
   * when the workspace's equals the deployed one), so a hand-edited program or hash would make a
   * plan show the changes of another program, or none. Like Terraform with a state whose checksum
   * does not match, the file is refused.
   */
  private checkDeployedHash(data: StoreData): void {
    if (!data.deployed || hashProgram(data.deployed.program) === data.deployed.hash) return;
    const hash = data.deployed.hash.slice(0, 12);
    if (data.snapshot) {
      throw new UserError(`The state snapshot "${this.label}" was edited or damaged: its deployed program does not match its hash ${hash}. Export it again with \`campaign state export --out ${this.label}\` where the store lives.`);
    }
    throw new UserError(`The store "${this.label}" was edited or damaged: its deployed program does not match its hash ${hash}. Undo the edit or restore the store from a backup; nothing was written.`);
  }

  async write(data: StoreData): Promise<void> {
    if (partial.has(data)) throw new Error(`Refusing to write "${this.label}" from a read of part of its collections (readStorePart); this is a bug.`);
    refuseSnapshot(data, this.label);
    await this.checkReplaceable(data);
    data.serial += 1;
    data.savedAt = (this.options.now?.() ?? new Date()).toISOString();
    let kept: KeptLines | null = null;
    try {
      kept = keptLines(data, this.file, this.options.changedContacts);
      await writeFileAtomic(this.file, lineLayoutBytes(ordered(data), undefined, kept?.copied));
    } catch (error) {
      data.serial -= 1;
      throw new UserError(`Cannot write the store "${this.label}": ${(error as Error).message}. The previous version is unchanged.`);
    } finally {
      kept?.close();
    }
    origins.set(data, { lineage: data.lineage, serial: data.serial });
  }

  /**
   * The file's document: read in the line layout a block at a time (where its arrays' element
   * lines are recorded in `spans`), or else, when it is not in the layout (edited by hand), as
   * plain JSON. A file system error is thrown as it is.
   */
  private async parse(spans: ElementSpans): Promise<unknown> {
    try {
      return parseLineLayout({ file: this.file }, this.select, this.select ? undefined : spans);
    } catch (error) {
      if (!(error instanceof LayoutError)) throw error;
      // Read whole: its lines are not the elements'.
      spans.arrays.clear();
      const buffer = await readFile(this.file);
      const version = headerVersion(buffer);
      if (version !== undefined && version > STORE_FORMAT_VERSION) throw this.newer(version);
      if (buffer.length > WHOLE_PARSE_LIMIT) {
        throw new UserError(`The store "${this.label}" is damaged at line ${error.line} (${error.message}) and too large to read as plain JSON. Fix that, or restore the store from a backup (see "A corrupt store" in docs/store-format.md: deleting it would lose its suppression list); nothing was written.`);
      }
      // Not in the line layout: maybe edited by hand but still valid JSON.
      // A byte-order mark, as an editor may save: not part of the JSON.
      const text = buffer.toString('utf8').replace(/^\uFEFF/, '');
      try {
        return JSON.parse(text);
      } catch (jsonError) {
        const line = jsonErrorLine(jsonError, text) ?? error.line;
        // Without the store's format tag at its start: another file given as the store (QA: --store
        // contacts.csv was called a damaged store, to restore or delete).
        if (!text.slice(0, 4096).includes('"campaignkit-store"')) throw new UserError(`"${this.label}" is not a campaignkit store: it is not JSON (line ${line}: ${jsonErrorText(jsonError)}). Check the path given to --store (or the workspace's settings.store); nothing was written.`);
        throw new UserError(`The store "${this.label}" is not valid JSON (line ${line}: ${jsonErrorText(jsonError)}). Fix that, or restore the store from a backup (see "A corrupt store" in docs/store-format.md: deleting it would lose its suppression list); nothing was written.`);
      }
    }
  }

  private newer(version: number): UserError {
    return new UserError(`The store "${this.label}" was written by a newer campaignkit (format ${version}); upgrade campaignkit to read it. Nothing was changed.`);
  }

  /** Never replace a file that cannot be read, belongs to another store, or was written since `data` was read. */
  private async checkReplaceable(data: StoreData): Promise<void> {
    const current = await this.peekHeader();
    if (current === null) return;
    const origin = origins.get(data);
    if (!origin) {
      throw new UserError(`A store already exists at "${this.label}"; refusing to replace it with a new one. Pass another path with --store, or move it away. Nothing was written.`);
    }
    if (current.lineage !== origin.lineage || current.serial !== origin.serial) {
      throw new UserError(`The store "${this.label}" was changed by another process since it was read (serial ${origin.serial}, now ${current.serial}); run the command again. Nothing was written.`);
    }
  }

  /** Lineage and serial of the file on disk (null: no file), from line 1 when possible. */
  private async peekHeader(): Promise<{ lineage: string; serial: number } | null> {
    let first: string;
    try {
      const handle = await open(this.file, 'r');
      try {
        const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
        first = buffer.toString('utf8', 0, bytesRead).split('\n', 1)[0]!;
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const header = parseHeaderLine(first);
    if (header && typeof header.lineage === 'string' && typeof header.serial === 'number') return { lineage: header.lineage, serial: header.serial };
    const data = await this.read();
    return data && { lineage: data.lineage, serial: data.serial };
  }
}

function parseHeaderLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line.endsWith(',') ? `${line.slice(0, -1)}}` : line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The format version on line 1, when line 1 is still a readable header. */
function headerVersion(buffer: Buffer): number | undefined {
  const end = buffer.indexOf(0x0a);
  const header = parseHeaderLine(buffer.toString('utf8', 0, end === -1 ? Math.min(buffer.length, 64 * 1024) : end));
  return header?.format === STORE_FORMAT && typeof header.formatVersion === 'number' ? header.formatVersion : undefined;
}

function ordered(data: StoreData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of KEY_ORDER) out[key] = data[key];
  for (const [key, value] of Object.entries(data)) if (!(key in out)) out[key] = value;
  return out;
}

/** An empty store with a new random lineage (serial 0: the first write makes it 1). */
/**
 * A state snapshot (`campaign state export`) is read-only: no command writes it, nor anything beside
 * it (a journal, the delivery ledgers). Commands that would call this first, before they write
 * anything.
 */
export function refuseSnapshot(data: StoreData, label: string): void {
  if (!data.snapshot) return;
  throw new UserError(`"${label}" is a state snapshot (\`campaign state export\`): it is read-only and holds no personal data, so nothing can run on it. Pass the store itself with --store. Nothing was written.`);
}

export function createStore(now: Date = new Date()): StoreData {
  return {
    format: STORE_FORMAT,
    formatVersion: STORE_FORMAT_VERSION,
    lineage: randomUUID(),
    unsubscribeSecret: randomBytes(32).toString('hex'),
    serial: 0,
    savedAt: now.toISOString(),
    clock: null,
    journal: { generation: '', offset: 0 },
    deployed: null,
    contacts: [],
    enrollments: [],
    events: [],
    pending: [],
    outbox: [],
    webhooks: [],
    suppression: [],
    audit: [],
  };
}

/** Opens a store through lowdb: `db.data` is null when there is no store file yet. */
export async function openStore(file: string, options: StoreFileOptions = {}): Promise<Low<StoreData | null>> {
  const adapter = new StoreAdapter(file, options);
  const db = new Low<StoreData | null>(nullable(adapter), null);
  await db.read();
  return db;
}

/** Reads and validates a store; null when the file does not exist (callers decide whether to create one). */
export async function readStore(file: string, options: StoreFileOptions = {}): Promise<StoreData | null> {
  return (await openStore(file, options)).data;
}

/**
 * Reads a store but parses, of each collection, only the element lines `select` keeps (`campaign
 * contact` reads one contact's elements out of a 400 MB store): the header and object members are
 * read whole and everything parsed is checked as `readStore` checks it; skipped lines are not
 * parsed, so damage there goes unnoticed. A file not in the line layout is read whole. The result
 * lacks elements: it is for reading only, and `writeStore` refuses it.
 */
export async function readStorePart(file: string, select: ElementSelector, options: StoreFileOptions = {}): Promise<StoreData | null> {
  return new StoreAdapter(file, options, select).read();
}

/**
 * Writes a store atomically (one write for a whole command's changes). Increments `data.serial`
 * and sets `data.savedAt`. Refuses to replace a file that `data` was not read from, or that
 * changed since.
 */
export async function writeStore(file: string, data: StoreData, options: StoreFileOptions = {}): Promise<void> {
  const db = new Low<StoreData | null>(nullable(new StoreAdapter(file, options)), data);
  await db.write();
}

function nullable(adapter: StoreAdapter): Adapter<StoreData | null> {
  return {
    read: () => adapter.read(),
    write: async (data) => {
      if (data) await adapter.write(data);
    },
  };
}
