import { appendFileSync } from 'node:fs';
import { compile } from '../../src/compiler/compile.ts';
import { typecheckCacheDir } from '../../src/compiler/typecheck-cache.ts';
import { UserError } from '../../src/errors.ts';
import { colors } from '../../src/render/colors.ts';
import { diagnosticsReport } from '../../src/render/diagnostics-json.ts';
import { renderDiagnosticsText, summarizeDiagnostics } from '../../src/render/diagnostics-text.ts';
import { renderGithubAnnotations } from '../../src/render/github.ts';
import { renderValidateSummaryMarkdown } from '../../src/render/validate-summary.ts';
import { flag, stringOption, type Command } from '../command.ts';
import { readRelative, workspaceDir } from '../workspace.ts';

export const validate: Command = {
  name: 'validate',
  usage: '[--format text|json|github] [--no-typecheck]',
  help: [
    '--format text|json|github  text (default), versioned JSON (docs/diagnostics-json.md), or GitHub annotations',
    '--no-typecheck             skip the TypeScript type-check (faster; rules still run)',
  ],
  options: { format: { type: 'string', default: 'text' }, 'no-typecheck': { type: 'boolean' } },
  async run(ctx, args) {
    const format = stringOption(args, 'format') ?? 'text';
    if (!['text', 'json', 'github'].includes(format)) throw new UserError(`Unknown format "${format}": use text, json or github.`);
    const result = await compile({ workspace: workspaceDir(ctx, args), cwd: ctx.cwd, typecheck: !flag(args, 'no-typecheck'), typecheckCache: typecheckCacheDir(ctx.env) });
    const c = colors(ctx.color);
    if (format === 'json') {
      ctx.out(JSON.stringify(diagnosticsReport(result.diagnostics, result.files.length, result.manifest?.hash ?? null), null, 2));
    } else if (format === 'github') {
      const annotations = renderGithubAnnotations(result.diagnostics);
      if (annotations) ctx.out(annotations);
      ctx.out(summarizeDiagnostics(result.diagnostics, result.files.length, colors(false)));
      const summaryFile = ctx.env.GITHUB_STEP_SUMMARY;
      if (summaryFile) appendFileSync(summaryFile, renderValidateSummaryMarkdown(result.diagnostics, result.files.length));
    } else {
      if (result.diagnostics.length > 0) ctx.out(renderDiagnosticsText(result.diagnostics, readRelative(ctx), c));
      ctx.out(summarizeDiagnostics(result.diagnostics, result.files.length, c));
    }
    return result.ok ? 0 : 1;
  },
};
