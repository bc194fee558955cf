import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What a compilation read, to tell later whether it would read the same: a hash of each file's
 * text, and of the names in each folder holding one of them outside `node_modules` (a new file
 * there can change what an import resolves to: `./x` finds x.ts before x/index.ts).
 */
export interface FileStamps {
  files: Record<string, string>;
  folders: Record<string, string>;
}

export function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Stamps files by the text they were read with (`null` for a text: read it now); null when a folder cannot be listed. */
export function stampFiles(texts: Iterable<readonly [string, string | null]>): FileStamps | null {
  const stamps: FileStamps = { files: {}, folders: {} };
  for (const [name, given] of texts) {
    const text = given ?? readText(name);
    if (text === null) return null;
    stamps.files[name] = sha(text);
    const folder = path.dirname(name);
    if (!name.split(path.sep).includes('node_modules') && !(folder in stamps.folders)) {
      const names = listing(folder);
      if (names === null) return null;
      stamps.folders[folder] = names;
    }
  }
  return stamps;
}

/** Every stamped file has the same text, and every stamped folder the same names. */
export function stampsHold(stamps: FileStamps): boolean {
  for (const [name, hash] of Object.entries(stamps.files ?? {})) {
    const text = readText(name);
    if (text === null || sha(text) !== hash) return false;
  }
  for (const [folder, hash] of Object.entries(stamps.folders ?? {})) if (listing(folder) !== hash) return false;
  return true;
}

/** A file's text as the compilers read it (without a byte-order mark), or null. */
function readText(name: string): string | null {
  try {
    const text = readFileSync(name, 'utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return null;
  }
}

/** A hash of the names in a folder, or null when it cannot be read. */
function listing(folder: string): string | null {
  try {
    return sha(readdirSync(folder).sort().join('\n'));
  } catch {
    return null;
  }
}
