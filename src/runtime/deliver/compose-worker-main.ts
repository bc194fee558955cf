import { parentPort } from 'node:worker_threads';
import { composeMail, type MailInput } from './compose.ts';

/**
 * The compose pool's worker thread (`compose-pool.ts`): builds messages (`composeMail`) off the
 * main thread. Run built (`cli/build.js` makes it an entry of its own), or from the sources through
 * `compose-worker.js`, which registers tsx first.
 */
parentPort!.on('message', async ({ id, inputs }: { id: number; inputs: MailInput[] }) => {
  const results = [];
  for (const input of inputs) {
    try {
      const mail = await composeMail(input);
      // The bytes as a latin1 string (one char per byte, lossless): strings land in the main
      // thread's heap and go with its young garbage. Transferred ArrayBuffers were ~10% faster but
      // stayed allocated until a full collection of the (large) main heap: +1 GB of peak RSS when
      // delivering 176k messages from a 100k-contact store.
      results.push({ ok: true, messageId: mail.messageId, envelope: mail.envelope, raw: mail.raw.toString('latin1') });
    } catch (error) {
      results.push({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  parentPort!.postMessage({ id, results });
});
