import { existsSync, lstatSync, readdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';

/** The file that declares a workspace. */
export const CONFIG_FILE = 'campaign.config.ts';

const MODULE_EXTENSIONS = ['.ts', '.mts', '.tsx'];
/** Tests and declarations beside the modules are not campaign modules. */
const NOT_MODULES = /(\.(test|spec)\.m?tsx?|\.d\.m?ts)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.campaign', '.git', 'dist']);

/**
 * Finds the workspace directory: `--workspace DIR` when given; else the current directory when it
 * holds a workspace config; else `./campaigns`. Returns null when none of them is a workspace.
 */
export function findWorkspace(cwd: string, explicit?: string): string | null {
  if (explicit !== undefined) {
    const dir = path.resolve(cwd, explicit);
    return existsSync(path.join(dir, CONFIG_FILE)) ? dir : null;
  }
  if (existsSync(path.join(cwd, CONFIG_FILE))) return cwd;
  const nested = path.join(cwd, 'campaigns');
  return existsSync(path.join(nested, CONFIG_FILE)) ? nested : null;
}

/** Every campaign module of the workspace, sorted: `*.ts` files outside tests, declarations and hidden folders. */
export function discoverModules(workspace: string): string[] {
  const files: string[] = [];
  // A folder that does not exist holds no modules; the compiler reports the missing config (CK001).
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) return files;
  const walk = (dir: string) => {
    for (const name of listed(dir).sort()) {
      if (name.startsWith('.')) continue;
      const full = path.join(dir, name);
      if (entryStats(full).isDirectory()) {
        if (!SKIPPED_DIRS.has(name)) walk(full);
      } else if (MODULE_EXTENSIONS.some((ext) => name.endsWith(ext)) && !NOT_MODULES.test(name)) {
        files.push(full);
      }
    }
  };
  walk(workspace);
  return files;
}

function listed(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    throw new UserError(`Cannot list the workspace folder ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)}): check its permissions.`);
  }
}

/** A file or folder of the workspace; a broken symbolic link is named, with its target. */
function entryStats(full: string): Stats {
  try {
    return statSync(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    let link: string | null = null;
    try {
      if (lstatSync(full).isSymbolicLink()) link = readlinkSync(full);
    } catch {
      // Gone meanwhile: said as it is.
    }
    const shown = path.relative(process.cwd(), full) || full;
    if (link !== null) throw new UserError(`${shown} is a symbolic link to ${link}, which cannot be read (${code}): fix its target or remove the link.`);
    throw new UserError(`Cannot read ${shown} in the workspace (${code}): check its permissions, or remove it.`);
  }
}
