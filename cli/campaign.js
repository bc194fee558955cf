#!/usr/bin/env node
// The `campaign` command. campaignkit is written in TypeScript: it runs built (cli/build.js), or
// compiled on the fly by tsx.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtCli } from './build.js';

process.setSourceMapsEnabled(true);
// The real exit: while the workspace's modules load, `process.exit` is a stub that throws (a module
// calling it must not end the command), and an error handler calling the stub would crash Node.
const exit = process.exit.bind(process);
// `campaign contacts export | head`: the reader has gone; stop quietly, like other Unix tools.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
// `campaign preview` on a terminal: load ink and React before the TypeScript loader is in place,
// which would otherwise see each of their modules go by (a third of a second).
// Loading campaignkit (and then the workspace's modules) opens a few hundred module files, many at
// once: under a very low limit of open files (`ulimit -n` below ~50) that fails before main() could
// report it — or, for modules loaded side by side, as an error Node raises outside any await
// (from its module loader). Say so in one line; any other uncaught error is reported as Node would.
const outOfFiles = (error) => {
  if (error?.code !== 'EMFILE' && error?.code !== 'ENFILE') throw error;
  process.stderr.write(`error: campaign ran out of open files (${error.code}) loading its modules; raise the limit (ulimit -n; 1024 is usual) and run the command again.\n`);
  process.exit(1);
};
// An error a workspace module raised outside any await — from a timer, or a promise it did not
// await — names the module, in one line; its stack runs through the modules compiled for loading
// (src/compiler/load.ts: a `campaignkit-load-` folder). Any other is reported as Node would.
process.on('uncaughtException', (error) => {
  if (error?.code === 'EMFILE' || error?.code === 'ENFILE') outOfFiles(error);
  const module = /campaignkit-load-[^/\\]+[/\\](.+?)\.mjs:\d+/.exec(String(error?.stack ?? ''))?.[1];
  if (module !== undefined) {
    const message = String(error?.message ?? error).split('\n')[0];
    process.stderr.write(`error: the workspace module ${module.split('\\').join('/')} raised an error from a timer or a promise it did not await: ${message}. Campaign modules only define; remove that code. The command did not finish.\n`);
  } else {
    process.stderr.write(`${error?.stack ?? String(error)}\n`);
  }
  exit(1);
});
if (process.argv[2] === 'preview' && process.stdout.isTTY && process.stdin.isTTY && !process.env.CI) {
  process.env.NODE_ENV ??= 'production';
  await Promise.all([import('ink'), import('react')]).catch(outOfFiles);
}
// Exit code 13: the event loop ran dry while a top-level await was pending — a workspace module
// (or a promise it made) that never settles. Loading reports such a module as a diagnostic (CK010)
// and goes on; should one still end the process this way, say so instead of exiting without a word.
// (Node sets process.exitCode to 13 before 'exit'; the listener's argument says 0.)
// A module stuck in an endless loop ends the same way once the load watchdog has stopped it (and
// said so): exit code 1 then, as for any other mistake in a module.
process.on('exit', () => {
  if (process.exitCode !== 13) return;
  // The module being imported (src/compiler/load.ts), when loading is where it stopped.
  const loading = globalThis[Symbol.for('campaignkit.loadingModule')];
  process.exitCode = 1;
  if (loading?.stopped?.[0] === 1) return;
  const file = loading?.file;
  const culprit = file ? `the workspace module ${file}` : 'a module of the workspace';
  process.stderr.write(
    `error: campaign stopped before finishing: ${culprit} awaits something that never settles (a top-level await on a promise nothing resolves). Remove that await; the command did not finish.\n`,
  );
});
// The built CLI when it can be (cli/build.js: starts half a second sooner), else the sources
// through tsx — with campaignkit's own tsconfig (the TUI's JSX), not the one tsx would find in the
// current directory: `campaign preview` runs in the user's folder, which has none or its own.
const built = await builtCli();
const { main } = await (built !== null
  ? import(pathToFileURL(built).href)
  : import('tsx/esm/api').then(({ register }) => {
      register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
      return import('./main.ts');
    })
).catch(outOfFiles);
const code = await main({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
// Exit now that the command is done, rather than when the event loop empties: a workspace module
// that started a timer (`setInterval`) would otherwise keep `validate` or `plan` alive forever, and a
// CI job would never end. Not before the output is out: a pipe takes 64 KB at a time, and the rest
// of a large write (a JSON plan) waits in the stream — an empty write's callback comes after it.
const flushed = (stream) => new Promise((resolve) => (stream.writableLength > 0 ? stream.write('', resolve) : resolve()));
process.exitCode = code;
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
exit(code);
