import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runPreview } from '../../../cli/tui/run-preview.ts';
import { createPreviewSession, type PreviewLoaders } from '../../../cli/tui/preview-session.ts';
import { UserError } from '../../../src/errors.ts';

/**
 * `runPreview` on a terminal (fake TTY streams): the exit code when the user quits, and the error
 * the screen showed, printed once the alternate screen is gone.
 */

const streams: PassThrough[] = [];
afterEach(() => {
  for (const stream of streams.splice(0)) stream.destroy();
});

function terminal() {
  const tty = <T extends PassThrough>(stream: T) => Object.assign(stream, { isTTY: true, columns: 100, rows: 30, setRawMode: () => undefined, ref: () => undefined, unref: () => undefined });
  const stdin = tty(new PassThrough());
  const stdout = tty(new PassThrough());
  const stderr = new PassThrough();
  streams.push(stdin, stdout, stderr);
  // Both streams in the order they were written, as a terminal shows them.
  const writes: { to: 'stdout' | 'stderr'; text: string }[] = [];
  stdout.on('data', (chunk: Buffer) => writes.push({ to: 'stdout', text: chunk.toString('utf8') }));
  stderr.on('data', (chunk: Buffer) => writes.push({ to: 'stderr', text: chunk.toString('utf8') }));
  const of = (to: 'stdout' | 'stderr') => writes.filter((w) => w.to === to).map((w) => w.text).join('');
  return { io: { stdin, stdout, stderr }, stdin, writes, screen: () => of('stdout'), errors: () => of('stderr') };
}

/**
 * Runs the preview until it has loaded and reads keys, presses q, and returns the exit code; the
 * last frame must show `wanted`. (With CI set, as in `CI=true npm test`, ink draws only that frame.)
 */
async function quitAfter(loaders: PreviewLoaders, wanted: string, key = 'q') {
  const t = terminal();
  const session = createPreviewSession(loaders);
  const exited = runPreview(t.io as never, session, { color: false });
  await session.loaded;
  const started = Date.now();
  while (t.stdin.listenerCount('readable') === 0 && Date.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.stdin.write(key);
  const code = await exited;
  expect(t.screen().replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '')).toContain(wanted);
  return { code, stderr: t.errors(), writes: t.writes };
}

const loaders = (readStore: PreviewLoaders['readStore']): PreviewLoaders => ({
  workspace: 'campaigns',
  compile: async () => ({ ok: false, program: null, manifest: null, diagnostics: [], files: [] }) as never,
  readStore,
  readSource: () => undefined,
  yieldToUi: async () => undefined,
});

describe('campaign preview on a terminal: the exit code', () => {
  it('exits 1 after showing an error (a --now before the store clock), and prints it below the screen it leaves', async () => {
    const message = "--now is before the store's clock (2026-12-31T00:00:00.000Z): the store holds its contacts as of then.";
    const { code, stderr, writes } = await quitAfter(
      loaders(async () => {
        throw new UserError(message);
      }),
      'failed to load',
    );
    expect(code).toBe(1);
    expect(stderr).toBe(`error: ${message}\n`);
    // Printed after the alternate screen was left: it stays on the shell's screen.
    const left = writes.findIndex((w) => w.to === 'stdout' && w.text.includes('\u001B[?1049l'));
    expect(left).toBeGreaterThan(-1);
    expect(writes.findIndex((w) => w.to === 'stderr')).toBeGreaterThan(left);
  });

  it('exits 0 when it showed no error', async () => {
    const { code, stderr } = await quitAfter(
      loaders(async () => ({ data: null, label: '(none)' })),
      'no store yet',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('exits 130 on Ctrl-C, as a command interrupted by SIGINT does, and prints nothing', async () => {
    const { code, stderr } = await quitAfter(
      loaders(async () => ({ data: null, label: '(none)' })),
      'no store yet',
      '\u0003',
    );
    expect(stderr).toBe('');
    expect(code).toBe(130);
  });
});
