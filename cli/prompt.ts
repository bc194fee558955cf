import type { CliContext } from './context.ts';

/**
 * Asks a question on the terminal and resolves with the line typed (empty when the input ends).
 * Reads from `ctx.stdin`, so tests can answer with a stream.
 */
export function askLine(ctx: Pick<CliContext, 'stdin' | 'stdout'>, question: string): Promise<string> {
  ctx.stdout.write(question);
  return new Promise((resolve) => {
    let buffered = '';
    const finish = (line: string) => {
      ctx.stdin.off('data', onData);
      ctx.stdin.off('end', onEnd);
      ctx.stdin.pause();
      resolve(line);
    };
    const onData = (chunk: Buffer | string) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) finish(buffered.slice(0, newline).replace(/\r$/, ''));
    };
    const onEnd = () => finish(buffered);
    ctx.stdin.on('data', onData);
    ctx.stdin.on('end', onEnd);
    ctx.stdin.resume();
  });
}
