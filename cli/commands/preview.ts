import path from 'node:path';
import { compile } from '../../src/compiler/compile.ts';
import { DEFAULT_STORE } from '../../src/compiler/collect.ts';
import { colors } from '../../src/render/colors.ts';
import { readStore } from '../../src/store/index.ts';
import { stringOption, type Command } from '../command.ts';
import { NOW_HELP, NOW_OPTIONS, nowFor, refuseBeforeClock } from '../clock.ts';
import { createPreviewSession, type PreviewLoaders } from '../tui/preview-session.ts';
import { previewExitCode } from '../tui/preview-problem.ts';
import { renderStaticSummary } from '../tui/static-summary.ts';
import { enterScreen, leaveScreen } from '../tui/terminal-screen.ts';
import { displayPath, STORE_HELP, STORE_OPTIONS } from '../store-options.ts';
import { unprocessedEvents } from '../journal-status.ts';
import { readRelative, workspaceDir } from '../workspace.ts';

export const preview: Command = {
  name: 'preview',
  usage: '[--store FILE] [--now ISO]',
  help: [
    STORE_HELP,
    NOW_HELP.replace('the current time to record', 'evaluate scores and segments as of this time').replace('else the clock', "else the store's clock"),
    '',
    'Keys: arrows or j/k move, Enter opens, Esc or Backspace goes back, / searches a contact list, 1–8 or Tab',
    'switch screens, ? shows every key, q quits. Without a terminal (a pipe, CI) it prints a',
    'static summary and exits. It exits 1 when it shows an error: a store it cannot read, a --now',
    "before the store's clock, or a workspace with errors; 130 after Ctrl-C.",
  ],
  options: { ...STORE_OPTIONS, ...NOW_OPTIONS },
  async run(ctx, args) {
    const workspace = workspaceDir(ctx, args);
    const explicitNow = stringOption(args, 'now') !== undefined || ctx.env.CAMPAIGN_NOW ? nowFor(ctx, args).getTime() : undefined;
    const storeOption = stringOption(args, 'store');
    const loaders: PreviewLoaders = {
      workspace: displayPath(ctx, workspace) || '.',
      // Type-checking takes seconds: the preview loads without it (`campaign validate` type-checks).
      compile: () => compile({ workspace, cwd: ctx.cwd, typecheck: false }),
      storeIsKnown: storeOption !== undefined && storeOption.trim() !== '',
      async readStore(program) {
        const file = storeOption !== undefined && storeOption.trim() !== '' ? path.resolve(ctx.cwd, storeOption) : path.resolve(workspace, program?.settings.store ?? DEFAULT_STORE);
        const label = displayPath(ctx, file);
        const data = await readStore(file, { label });
        if (explicitNow !== undefined && data) refuseBeforeClock(explicitNow, data.clock, 'its contacts');
        return { data, label, unprocessedEvents: unprocessedEvents(file, data) };
      },
      ...(explicitNow !== undefined ? { now: explicitNow } : {}),
      env: ctx.env,
      readSource: readRelative(ctx),
    };
    const session = createPreviewSession(loaders);
    if (!ctx.interactive) {
      const state = await session.loaded;
      ctx.out(renderStaticSummary(state, colors(ctx.color)));
      return previewExitCode(state, ctx.err);
    }
    // Loading started above: esbuild bundles the workspace while ink and React load. React's
    // development build checks more and renders slower; a terminal UI has no use for it.
    process.env.NODE_ENV ??= 'production';
    enterScreen(ctx.stdout, `campaignkit preview  ${loaders.workspace}  loading…`);
    let tui;
    try {
      tui = await import('../tui/index.ts');
    } catch (error) {
      leaveScreen(ctx.stdout);
      throw error;
    }
    return tui.runPreview(ctx, session, { color: ctx.color, screenEntered: true });
  },
};
