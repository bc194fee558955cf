/**
 * Run as a child process by ledger.test.ts: persists a snapshot with a pending message (as the
 * engine does), starts delivering, and dies with SIGKILL at the crash point named by argv[2].
 */
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deliverOutbox } from '../../../src/runtime/deliver/deliver-outbox.ts';
import { outboxTransport } from '../../../src/runtime/deliver/outbox-transport.ts';
import type { Transport } from '../../../src/runtime/deliver/transports.ts';
import { NOW, SECRET, email, program, store } from './fixtures.ts';

const [mode, dir, stale] = process.argv.slice(2) as ['smtp-after-send' | 'outbox-after-file', string, 'stale-subject' | undefined];
// `stale-subject`: scheduled before the template changed, so it goes out with another subject.
const data = store({ outbox: [email('c1', 'ann@example.com', stale ? { subject: 'Welcome (old template)' } : {})] });
await writeFile(path.join(dir, 'store.json'), JSON.stringify(data));

const outbox = outboxTransport(path.join(dir, 'outbox'));
const transport: Transport = mode === 'smtp-after-send'
  ? {
      name: 'smtp',
      idempotent: false,
      async send(mail) {
        // The "server" has the message; the process dies before it can record that.
        await appendFile(path.join(dir, 'received.log'), `${mail.key}\n`);
        process.kill(process.pid, 'SIGKILL');
        return new Promise(() => undefined);
      },
    }
  : {
      ...outbox,
      async sendBatch(mails) {
        await outbox.sendBatch!(mails);
        process.kill(process.pid, 'SIGKILL');
        return new Promise(() => undefined);
      },
    };
await deliverOutbox(data, { program: program(), transport, ledgerPath: path.join(dir, 'deliveries.jsonl'), now: NOW, secret: SECRET });
