// The published entry point (`import … from 'campaignkit'`, package.json `exports`): dist/index.js,
// src/index.ts bundled by esbuild into plain ESM JavaScript with the dependencies left as imports,
// and dist/**/*.d.ts, its declarations emitted by TypeScript. `npm pack` and `npm publish` build it
// (the `prepack` script); inside this repository nothing uses it: tsconfig.json's `paths` and the
// compiler bind `campaignkit` to the sources.
//
// The declarations keep the sources' layout; their relative imports end in `.js` (the sources' `.ts`
// would need `allowImportingTsExtensions` in the user's tsconfig), so that they resolve under
// Bundler and NodeNext alike. They name no Node.js type: a project that imports campaignkit needs
// no @types/node (test/package-dist.test.ts type-checks a consumer without it).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A relative module specifier ending in `.ts`/`.tsx`, in `from '…'`, `import('…')` or `import '…'`. */
const TS_SPECIFIER = /((?:\bfrom|\bimport)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.tsx?\2/g;

/** Builds dist/ (or `outDir`) from src/index.ts; throws with TypeScript's messages if it cannot. */
export async function buildDist(outDir = path.join(ROOT, 'dist')) {
  rmSync(outDir, { recursive: true, force: true });
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(ROOT, 'src', 'index.ts')],
    outfile: path.join(outDir, 'index.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    // The map points into src/, which the package ships.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'silent',
  });
  const { default: ts } = await import('typescript');
  const { config } = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const program = ts.createProgram([path.join(ROOT, 'src', 'index.ts')], {
    ...options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    // The types the declarations need, without checking the rest (`npm run typecheck` does).
    noCheck: true,
    // As a consumer without @types/node sees them (with noCheck, a missing name is no error here:
    // test/package-dist.test.ts type-checks the declarations so, and fails on one).
    types: [],
    rootDir: path.join(ROOT, 'src'),
    outDir,
  });
  const emitted = program.emit(undefined, (file, text) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text.replace(TS_SPECIFIER, '$1$2$3.js$2'));
  });
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...emitted.diagnostics];
  if (diagnostics.length > 0) throw new Error(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' }));
  return outDir;
}

// `node scripts/build-dist.js` (`npm run build`, and `prepack`).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = await buildDist();
  process.stdout.write(`campaignkit: built ${path.relative(ROOT, outDir)}/\n`);
}
