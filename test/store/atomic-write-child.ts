/**
 * Run as a child process by atomic-write.test.ts: starts writing argv[2] atomically, says
 * "writing" on stdout once the first chunk is in its temporary file, and then waits for ever
 * (the test kills it mid-write).
 */
import { writeFileAtomic } from '../../src/store/atomic-write.ts';

async function* chunks() {
  yield 'half of a store\n';
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.stdout.write('writing\n');
  await new Promise(() => setInterval(() => undefined, 1000));
}
await writeFileAtomic(process.argv[2]!, chunks());
