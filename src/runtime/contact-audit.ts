import { auditId } from '../store/audit.ts';
import type { AuditEntry } from '../store/types.ts';

/** An audit entry that names a contact, with the part of its summary about that contact. */
export interface AuditMention {
  at: string;
  actor: string;
  action: AuditEntry['action'];
  /** The summary, or for a long one the part that names the contact (`excerptFor`). */
  text: string;
}

/**
 * The entries whose summaries list contacts by the hundred (an import's consent, an unsubscribe's
 * withdrawn consent and clicks). The others are shown whole: a resubscribe's note is the proof of
 * an opt-in, and "tickets #4411, #4412, #4413, #4414" in it is no list of contacts (QA).
 */
const LISTS_CONTACTS: ReadonlySet<AuditEntry['action']> = new Set(['import', 'unsubscribe']);

/** A summary up to this length is shown whole. */
const WHOLE = 200;

/**
 * The audit entries that name the contact — its consent given or withdrawn by an import, an
 * unsubscribe, a resubscribe, an enrollment by hand, its erasure — newest first. The log names a
 * contact by `auditId` (never its address), as a word: `c_1` is not named by an entry about
 * `c_10`.
 */
export function auditMentions(audit: readonly AuditEntry[], contactId: string): AuditMention[] {
  const named = namedBy(auditId(contactId));
  const mentions: AuditMention[] = [];
  for (const entry of audit) {
    if (!named.test(entry.summary)) continue;
    mentions.push({ at: entry.at, actor: entry.actor, action: entry.action, text: LISTS_CONTACTS.has(entry.action) ? excerptFor(entry.summary, named) : entry.summary });
  }
  // Stable: entries of the same instant keep the log's order, reversed with the rest.
  return mentions.reverse().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/**
 * The id as a word of a summary: after its start, a space, "(" or ","; before its end, a space,
 * ")", ",", ";", or a "." or ":" that ends the word — ids hold dots and colons, and `john` is not
 * named by an entry about `john.smith` (QA).
 */
function namedBy(id: string): RegExp {
  return new RegExp(`(?:^|[\\s(,])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s),;]|[.:](?:$|\\s))`);
}

/** An item of a list of contacts in a summary: an id, and a click's time after it (`c1 clicked …`). */
const ITEM = String.raw`[^\s,()]+(?: clicked (?:at an unknown time|[^\s,()]+))?`;
/** Four items or more, ", " between them: a list of contacts (fewer are shown as they are). */
const LIST = new RegExp(`${ITEM}(?:, ${ITEM}){3,}`, 'g');
/** What only ids have: a digit, "_" or "@" (a list of words in a note is not a list of contacts). */
const ID_LIKE = /[\d_@]/;

/**
 * A long summary shortened to what concerns the contact: each list of contacts in it (an import's
 * "Consent given for 5,000 (c1, c2, …)", an unsubscribe's "consent withdrawn: c1, c2, …", a run's
 * "c1 clicked …, c2 clicked …") keeps the contact's items and counts the others; the rest of the
 * summary — what happened, a resubscribe's note — is kept whole.
 */
export function excerptFor(summary: string, named: RegExp): string {
  if (summary.length <= WHOLE) return summary;
  return summary.replace(LIST, (list) => {
    const items = list.split(', ');
    const own = items.filter((item) => named.test(` ${item}`));
    if (own.length === 0 && !items.every((item) => ID_LIKE.test(item))) return list;
    const others = items.length - own.length;
    if (own.length === 0) return `${others} contact${others === 1 ? '' : 's'}`;
    return others === 0 ? own.join(', ') : `${own.join(', ')} and ${others} other${others === 1 ? '' : 's'}`;
  });
}
