/**
 * Run as a child process by webhooks.test.ts: posts five pending webhook deliveries to the URL in
 * argv[3], recording them in the webhook ledger in argv[2]; the test's receiver kills it with
 * SIGKILL in the middle (no snapshot is ever written, as in a run killed before its persist step).
 */
import { deliverWebhooks } from '../../../src/runtime/deliver/webhooks.ts';
import { NOW, program, store, webhook } from './fixtures.ts';

const [ledgerPath, url] = process.argv.slice(2) as [string, string];
const keys = ['a', 'b', 'c', 'd', 'e'].map((k) => `mql-handoff/1/c1/${k}`);
const data = store({ webhooks: keys.map((key) => webhook(key)) });
const prog = program({ webhooks: { crm: { url, secretEnv: 'CRM_WEBHOOK_SECRET', timeout: '5s', retries: 0 } } });
await deliverWebhooks(data, { program: prog, now: NOW, env: { CRM_WEBHOOK_SECRET: 'whsec-test' }, ledgerPath });
process.stdout.write('finished without being killed\n');
