/**
 * Run as a child process by signals-held.test.ts: inside `withSignalsHeld`, sends itself SIGINT
 * (twice when argv[3] is "twice"; before it, when "before"), then writes "done" to argv[2]; after
 * it, "after".
 */
import { appendFileSync } from 'node:fs';
import { withSignalsHeld } from '../../src/store/lock.ts';

const [out, when] = [process.argv[2]!, process.argv[3]];
// As a Ctrl-C received while the command read the store, synchronously: pending when the work starts.
if (when === 'before') process.kill(process.pid, 'SIGINT');
await withSignalsHeld(async () => {
  appendFileSync(out, 'started\n');
  if (when !== 'before') process.kill(process.pid, 'SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (when === 'twice') {
    process.kill(process.pid, 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  appendFileSync(out, 'done\n');
});
appendFileSync(out, 'after\n');
