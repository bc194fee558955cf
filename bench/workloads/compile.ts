import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DSL_ENTRY, ZOD } from '../../src/compiler/load.ts';
import { TYPECHECK_OPTIONS } from '../../src/compiler/typecheck.ts';
import { EXAMPLE_WORKSPACE, ROOT } from '../lib/data.ts';
import { atMost, measure, peakRssMb, ratioOf, runNode } from '../lib/harness.ts';
import type { Workload } from '../lib/workload.ts';

/**
 * `campaign validate`, cold (a new process each time, as in CI), on the example workspace plus
 * generated campaign modules — with and without type-checking — against `tsc --noEmit` on the
 * same files (same compiler options) and the bare load of the modules (esbuild bundle + import).
 */
export const compileWorkload: Workload = {
  name: 'compile',
  description: 'campaign validate (cold process) vs tsc --noEmit and a bare esbuild load of the same modules',
  cases: (sizes) => [{ workload: 'compile', label: `example + ${sizes.modules} modules`, params: { modules: sizes.modules } }],
  async run(spec, ctx) {
    const setupStarted = performance.now();
    const { modules } = spec.params as { modules: number };
    const workspace = path.join(ctx.tmp, 'campaigns');
    cpSync(EXAMPLE_WORKSPACE, workspace, { recursive: true, filter: (src) => !src.includes(`${path.sep}.campaign`) });
    mkdirSync(path.join(workspace, 'generated'));
    for (let i = 1; i <= modules; i++) writeFileSync(path.join(workspace, 'generated', `gen-${pad(i)}.ts`), generatedModule(i));
    const files = listTs(workspace);
    writeFileSync(path.join(ctx.tmp, 'tsconfig.json'), JSON.stringify(tsconfigFor(files), null, 2));
    writeFileSync(path.join(ctx.tmp, 'bare-load.mjs'), bareLoadScript(files));
    const setupMs = performance.now() - setupStarted;
    const options = { runs: Math.max(ctx.runs, ctx.quick ? 1 : 5), budgetMs: ctx.budgetMs };

    // Cold: nothing remembered from an earlier type-check (as on a fresh CI machine).
    const cold = { CAMPAIGN_CACHE: 'off' };
    const validate = await measure('campaign validate', () => runNode(['validate', '--workspace', workspace], undefined, cold), options);
    const noTypecheck = await measure('campaign validate --no-typecheck', () => runNode(['validate', '--no-typecheck', '--workspace', workspace], undefined, cold), options);
    // Again on unchanged files, the type-check remembered (a second command, a local edit loop).
    const remembered = { CAMPAIGN_CACHE_DIR: path.join(ctx.tmp, 'cache') };
    runNode(['validate', '--workspace', workspace], undefined, remembered);
    const warm = await measure('campaign validate, type-check remembered', () => runNode(['validate', '--workspace', workspace], undefined, remembered), options);
    const tsc = await measure('tsc --noEmit (baseline)', () => runNode(['-p', path.join(ctx.tmp, 'tsconfig.json')], tscBin()), options);
    const bare = await measure('esbuild bundle + import (baseline)', () => runNode([], path.join(ctx.tmp, 'bare-load.mjs')), options);
    return {
      workload: 'compile',
      case: spec.label,
      params: spec.params,
      measurements: [validate, noTypecheck, warm, tsc, bare],
      comparisons: [
        atMost('validate / tsc --noEmit', validate, tsc, 1.3),
        ratioOf('validate --no-typecheck / bare load', noTypecheck, bare),
      ],
      peakRssMb: peakRssMb(),
      setupMs,
      notes: [`${files.length} modules (${files.length - modules} of the example, ${modules} generated); each timing is a new node process`],
    };
  },
};

const pad = (i: number) => String(i).padStart(3, '0');

function tscBin(): string {
  return createRequire(import.meta.url).resolve('typescript/bin/tsc');
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The options `campaign validate` type-checks with, as a tsconfig for `tsc`. */
function tsconfigFor(files: string[]) {
  return {
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: TYPECHECK_OPTIONS.strict,
      noUncheckedIndexedAccess: TYPECHECK_OPTIONS.noUncheckedIndexedAccess,
      allowImportingTsExtensions: true,
      noEmit: true,
      skipLibCheck: true,
      isolatedModules: true,
      types: [],
      lib: ['ES2023'],
      paths: { campaignkit: [DSL_ENTRY], zod: [ZOD.types] },
    },
    files,
  };
}

/** A script that only bundles the modules with esbuild and imports them: loading, nothing else. */
function bareLoadScript(files: string[]): string {
  const esbuild = createRequire(import.meta.url).resolve('esbuild');
  return `import { build } from ${JSON.stringify(esbuild)};
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const files = ${JSON.stringify(files)};
const entry = files.map((f, i) => 'export * as m' + i + ' from ' + JSON.stringify(f) + ';').join('\\n');
const result = await build({
  stdin: { contents: entry, resolveDir: ${JSON.stringify(ROOT)}, loader: 'ts' },
  bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent',
  alias: { campaignkit: ${JSON.stringify(DSL_ENTRY)} },
  // zod stays external, as in campaign validate: the installed copy, by absolute URL.
  plugins: [{ name: 'zod', setup: (b) => b.onResolve({ filter: /^zod$/ }, () => ({ path: ${JSON.stringify(pathToFileURL(ZOD.esm).href)}, external: true })) }],
});
const out = new URL('./bundle.mjs', import.meta.url);
writeFileSync(out, result.outputFiles[0].text);
const loaded = await import(out.href);
if (Object.keys(loaded).length !== files.length) process.exit(1);
`;
}

/** A campaign module in the style of the example: its own template, a trigger, and a few steps. */
function generatedModule(i: number): string {
  const id = `generated-${pad(i)}`;
  const events = ['asset.downloaded', 'webinar.attended', 'page.viewed', 'demo.requested', 'feature.used'];
  const event = events[i % events.length]!;
  return `import { addScore, branch, campaign, email, onEvent, send, tag, wait, waitForEvent } from '../campaign.config';
import engagement from '../scoring/engagement';
import icp from '../segments/ideal-customer-profile';

const followUp = email('${id}-follow-up', {
  subject: 'Part ${i}: a tip for {{company ?? "your team"}}',
  text: \`Hi {{firstName ?? "there"}},

Here is tip number ${i} for getting more out of your analytics.

Unsubscribe: {{unsubscribeUrl}}\`,
  html: \`<p>Hi {{firstName ?? "there"}},</p><p>Here is tip number ${i} for getting more out of your analytics.</p>
<p><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>\`,
});

const lastCall = email('${id}-last-call', {
  subject: 'Still curious, {{firstName ?? "friend"}}?',
  text: \`One last note from us about tip ${i}.

Unsubscribe: {{unsubscribeUrl}}\`,
  html: \`<p>One last note from us about tip ${i}.</p><p><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>\`,
});

/** Generated by the benchmark (bench/workloads/compile.ts): nurture variant ${i}. */
export default campaign('${id}', {
  name: 'Generated nurture ${i}',
  trigger: onEvent('${event}'),
  audience: (c) => c.all(c.plan.in(['free', 'trial']), c.companySize.gte(${(i * 7) % 500}), c.not(c.hasTag('competitor'))),
  reentry: { after: '${30 + i}d' },
  exitWhen: (c) => c.plan.in(['pro', 'enterprise']),
  steps: [
    send('intro', followUp),
    waitForEvent('await-visit', 'page.viewed', {
      timeout: '${2 + (i % 5)}d',
      then: [addScore('visit-bonus', engagement, ${1 + (i % 4)})],
      onTimeout: [wait('pause', '1d')],
    }),
    branch('fit', (c) => c.inSegment(icp), {
      yes: [send('last-call', lastCall), tag('tag-fit', 'nurtured-${i % 10}')],
      no: [wait('cool-off', '${1 + (i % 3)}d')],
    }),
  ],
});
`;
}
