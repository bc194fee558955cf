import path from 'node:path';
import { compile, type CompileResult } from '../src/compiler/compile.ts';
import { findWorkspace } from '../src/compiler/discover.ts';
import { UserError } from '../src/errors.ts';
import { renderDiagnosticsText } from '../src/render/diagnostics-text.ts';
import { colors } from '../src/render/colors.ts';
import { readFileSync } from 'node:fs';
import { stringOption, type ParsedArgs } from './command.ts';
import type { CliContext } from './context.ts';

/** The workspace directory of this invocation (`--workspace`, `.`, or `./campaigns`). */
export function workspaceDir(ctx: CliContext, args: ParsedArgs): string {
  const explicit = stringOption(args, 'workspace');
  const dir = findWorkspace(ctx.cwd, explicit);
  if (dir) return dir;
  if (explicit !== undefined) {
    throw new UserError(`No workspace config in "${explicit}": campaign.config.ts is missing. Pass the folder that holds it, or run \`campaign init ${explicit}\`.`);
  }
  throw new UserError('No workspace found: neither ./campaign.config.ts nor ./campaigns/campaign.config.ts exists. Run `campaign init` or pass --workspace DIR.');
}

export function readRelative(ctx: CliContext) {
  return (file: string): string | undefined => {
    try {
      return readFileSync(path.resolve(ctx.cwd, file), 'utf8');
    } catch {
      return undefined;
    }
  };
}

/**
 * Compiles the workspace for a command that needs a valid program (plan, apply, import, run…).
 * Prints the diagnostics and throws when the workspace has errors.
 */
export async function compileOrFail(ctx: CliContext, args: ParsedArgs, options: { typecheck?: boolean } = {}): Promise<CompileResult & { program: NonNullable<CompileResult['program']> }> {
  const result = await compile({ workspace: workspaceDir(ctx, args), cwd: ctx.cwd, typecheck: options.typecheck ?? false });
  if (!result.ok || !result.program) {
    ctx.err(renderDiagnosticsText(result.diagnostics.filter((d) => d.severity === 'error'), readRelative(ctx), colors(ctx.color)));
    throw new UserError('The workspace has errors; fix them (see above, or run `campaign validate`) and try again.');
  }
  return result as CompileResult & { program: NonNullable<CompileResult['program']> };
}
