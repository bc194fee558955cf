// The `campaign` command, built: campaignkit's TypeScript sources bundled by esbuild into plain
// JavaScript (one chunk per command, loaded when run), so that a command starts without compiling
// or resolving a few hundred modules through tsx's loader — about half a second less per command.
// Built on first use and again whenever a source changes, into node_modules/.cache; without esbuild
// or a writable folder, the command runs from the sources with tsx, as it always could.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'campaignkit-cli');
/** Bumped when the build's options change: an older build is not used. */
const FORMAT = '2';

/**
 * The key of a build: every source file's path, size and modification time (and the build's
 * format, Node's major version and the package's folder, which the build names). Any edit makes a new key; stat-ing ~300 files takes a few ms.
 */
function sourceKey() {
  const hash = createHash('sha256').update(`${FORMAT}\0${process.versions.node.split('.')[0]}\0${ROOT}\0`);
  const visit = (dir) => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) visit(rel);
      else if (/\.(?:ts|tsx|js|json)$/.test(entry.name)) {
        const stat = statSync(path.join(ROOT, rel));
        hash.update(`${rel}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  visit('src');
  visit('cli');
  for (const file of ['package.json', 'tsconfig.json']) {
    const stat = statSync(path.join(ROOT, file));
    hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 20);
}

/**
 * The built CLI's entry file (its `main`), building it first when the sources changed; null when
 * it cannot be built here (`CAMPAIGN_CLI_BUILD=off`, no esbuild, a read-only folder): run the
 * sources with tsx then.
 */
export async function builtCli() {
  if (process.env.CAMPAIGN_CLI_BUILD === 'off') return null;
  try {
    const dir = path.join(CACHE, sourceKey());
    const entry = path.join(dir, 'main.js');
    if (existsSync(entry)) return entry;
    await build(dir);
    return existsSync(entry) ? entry : null;
  } catch {
    return null;
  }
}

/** Builds into a new folder and renames it into place: a command never sees half a build. */
async function build(dir) {
  const { build: esbuild } = await import('esbuild');
  mkdirSync(CACHE, { recursive: true });
  const temporary = `${dir}.${process.pid}.${Date.now()}.tmp`;
  try {
    await esbuild({
      // The compose pool's worker thread is an entry of its own (src/runtime/deliver/compose-pool.ts).
      entryPoints: [path.join(ROOT, 'cli', 'main.ts'), path.join(ROOT, 'src', 'runtime', 'deliver', 'compose-worker-main.ts')],
      outdir: temporary,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      jsx: 'automatic',
      tsconfig: path.join(ROOT, 'tsconfig.json'),
      entryNames: '[name]',
      chunkNames: '[name]-[hash]',
      sourcemap: 'linked',
      // src/package-root.ts: the package's folder, named (a path relative to the build's files
      // would go wrong through a symlinked node_modules, which ES modules see by their real path).
      define: { CAMPAIGNKIT_ROOT: JSON.stringify(ROOT) },
      logLevel: 'silent',
    });
    try {
      renameSync(temporary, dir);
    } catch (error) {
      // Another command built the same sources at the same time: its build is as good.
      if (!existsSync(path.join(dir, 'main.js'))) throw error;
    }
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
  removeOldBuilds(dir);
}

/**
 * Builds of earlier sources, once they are a day old: not at once, since a command started before
 * the edit (a `run --watch`) still loads its chunks from its build as it goes.
 */
function removeOldBuilds(current) {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(CACHE)) {
    const dir = path.join(CACHE, name);
    if (dir === current) continue;
    try {
      if (statSync(dir).mtimeMs < dayAgo) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Removed by another command meanwhile.
    }
  }
}

// `node cli/build.js`: build now (`npm ci` runs it, as the `prepare` script), and say where.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = await builtCli();
  process.stdout.write(entry ? `campaign: built ${path.relative(ROOT, path.dirname(entry))}\n` : 'campaign: not built (it runs from the sources with tsx)\n');
}
