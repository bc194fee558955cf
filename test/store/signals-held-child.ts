/**
 * Run as a child process by signals-held.test.ts: inside `withSignalsHeld`, sends itself SIGINT
 * (twice when argv[3] is "twice"), then writes "done" to argv[2]; after it, "after".
 */
import { appendFileSync } from 'node:fs';
import { withSignalsHeld } from '../../src/store/lock.ts';

const [out, times] = [process.argv[2]!, process.argv[3]];
await withSignalsHeld(async () => {
  process.kill(process.pid, 'SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (times === 'twice') {
    process.kill(process.pid, 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  appendFileSync(out, 'done\n');
});
appendFileSync(out, 'after\n');
