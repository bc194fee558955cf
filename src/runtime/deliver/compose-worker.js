// The compose pool's worker (`compose-pool.ts`): builds messages with nodemailer off the main
// thread. Plain JavaScript: a worker starts without the main thread's TypeScript loader.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { composeMail } = await import('./compose.ts');

parentPort.on('message', async ({ id, inputs }) => {
  const results = [];
  const transfer = [];
  for (const input of inputs) {
    try {
      const mail = await composeMail(input);
      // The bytes as a standalone ArrayBuffer, moved (not copied) to the main thread.
      const bytes = new Uint8Array(mail.raw.byteLength);
      bytes.set(mail.raw);
      transfer.push(bytes.buffer);
      results.push({ ok: true, messageId: mail.messageId, envelope: mail.envelope, raw: bytes });
    } catch (error) {
      results.push({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  parentPort.postMessage({ id, results }, transfer);
});
