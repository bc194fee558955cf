import path from 'node:path';
import { compile, type CompileResult } from '../src/compiler/compile.ts';
import { findWorkspace } from '../src/compiler/discover.ts';
import { typecheckCacheDir } from '../src/compiler/typecheck-cache.ts';
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
export async function compileOrFail(ctx: CliContext, args: ParsedArgs, options: { typecheck?: boolean; why?: string; onErrors?: (result: CompileResult) => void } = {}): Promise<Compiled> {
  const result = await compile({ workspace: workspaceDir(ctx, args), cwd: ctx.cwd, typecheck: options.typecheck ?? false, typecheckCache: typecheckCacheDir(ctx.env) });
  if (!result.ok || !result.program) {
    options.onErrors?.(result);
    failed(ctx, result, options.why);
  }
  return result as Compiled;
}

export type Compiled = CompileResult & { program: NonNullable<CompileResult['program']> };

/** Prints the errors of a workspace that does not compile and stops; `why` says what the command needs it for. */
function failed(ctx: CliContext, result: CompileResult, why: string | undefined): never {
  ctx.errStyled(renderDiagnosticsText(result.diagnostics.filter((d) => d.severity === 'error'), readRelative(ctx), colors(ctx.color)));
  if (why === undefined) throw new UserError('The workspace has errors; fix them (see above, or run `campaign validate`) and try again.');
  throw new UserError(`The workspace has errors, and ${why}. Fix the workspace (see above, or run \`campaign validate\`) and try again.`);
}

/**
 * For a command that can work from the program deployed in the store (`contact`, `contacts
 * export`, `enroll`): the compiled workspace, or — when `--store` names the store and the workspace
 * does not compile (someone's edit in progress) — `compiled: null`, and the caller uses the
 * deployed program and calls `fallback` once it has one: it prints a one-line note. Without a
 * deployed program, `fallback(null)` prints the workspace's errors and stops, as compileOrFail does.
 * Without --store the store's path comes from the workspace, which must compile.
 */
export async function compileOrDeployed(
  ctx: CliContext,
  args: ParsedArgs,
  command: string,
): Promise<{ compiled: Compiled | null; fallback: (deployed: { hash: string } | null) => void }> {
  if (stringOption(args, 'store') === undefined) return { compiled: await compileOrFail(ctx, args), fallback: () => {} };
  const result = await compile({ workspace: workspaceDir(ctx, args), cwd: ctx.cwd, typecheck: false });
  if (result.ok && result.program) return { compiled: result as Compiled, fallback: () => {} };
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  return {
    compiled: null,
    fallback: (deployed) => {
      if (!deployed) failed(ctx, result, `\`campaign ${command}\` would use the program deployed in the store instead, but nothing is deployed there yet`);
      ctx.err(`note: the workspace has ${errors === 1 ? '1 error' : `${errors} errors`} (\`campaign validate\` lists them); \`campaign ${command}\` uses the program deployed in the store (${deployed.hash.slice(0, 12)}).`);
    },
  };
}
