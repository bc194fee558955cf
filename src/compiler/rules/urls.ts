import { diagnostic } from '../messages.ts';
import type { Rule } from './rule.ts';

/**
 * Ports that `fetch` refuses to connect to (the Fetch standard's "bad ports"): a webhook endpoint on
 * one of them could never be delivered, and would only show up as failed runs.
 */
const FETCH_BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117,
  119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636,
  989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** The URL as messages show it: a password in it is masked. */
function shown(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^/@]*@/i, '$1***@');
}

/** Why `text` cannot be used as an HTTP(S) address, or null when it can. */
export function httpUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'it is not an absolute URL such as "https://crm.example.com/hooks"';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `its scheme is "${url.protocol.slice(0, -1)}", not http or https`;
  if (url.username !== '' || url.password !== '') return 'it holds a user name or password, which would be stored in the program and printed in messages';
  if (url.port !== '' && FETCH_BAD_PORTS.has(Number(url.port))) return `port ${url.port} is one that fetch refuses to connect to (a "bad port" of the Fetch standard)`;
  return null;
}

/** CK138 / CK139: webhook endpoints and the unsubscribe page are addresses that can be reached. */
export const settingsUrls: Rule = {
  name: 'settings-urls',
  check({ program, report }) {
    for (const [name, endpoint] of Object.entries(program.settings.webhooks)) {
      const problem = httpUrlProblem(endpoint.url);
      if (problem) report(diagnostic('CK138', { setting: `webhooks.${name}.url`, url: shown(endpoint.url), problem }, { entity: 'workspace', property: 'webhooks', key: name }));
    }
    const unsubscribe = program.settings.unsubscribeUrl;
    const problem = httpUrlProblem(unsubscribe);
    if (problem) report(diagnostic('CK138', { setting: 'unsubscribeUrl', url: shown(unsubscribe), problem }, { entity: 'workspace', property: 'unsubscribeUrl' }));
    else if (!unsubscribe.startsWith('https:')) report(diagnostic('CK139', { url: unsubscribe }, { entity: 'workspace', property: 'unsubscribeUrl' }));
  },
};
