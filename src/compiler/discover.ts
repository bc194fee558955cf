import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The file that declares a workspace. */
export const CONFIG_FILE = 'campaign.config.ts';

const MODULE_EXTENSIONS = ['.ts', '.mts', '.tsx'];
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
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        if (!SKIPPED_DIRS.has(name)) walk(full);
      } else if (
        MODULE_EXTENSIONS.some((ext) => name.endsWith(ext)) &&
        !name.endsWith('.d.ts') &&
        !/\.(test|spec)\.tsx?$/.test(name)
      ) {
        files.push(full);
      }
    }
  };
  walk(workspace);
  return files;
}
