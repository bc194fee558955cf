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
    mentions.push({ at: entry.at, actor: entry.actor, action: entry.action, text: excerptFor(entry.summary, named) });
  }
  // Stable: entries of the same instant keep the log's order, reversed with the rest.
  return mentions.reverse().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** The id as a word of a summary: after its start, a space, "(" or ","; before its end, a space or punctuation. */
function namedBy(id: string): RegExp {
  return new RegExp(`(?:^|[\\s(,])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s),.;:])`);
}

/**
 * A long summary shortened to what concerns the contact: a list in parentheses of many ids (an
 * import's "Consent given for 5,000 (c1, c2, …)") keeps the contact's item and counts the others;
 * a summary that is a list itself (a run's unsubscribe entry: "c1 clicked …, c2 clicked …") keeps
 * the contact's items.
 */
export function excerptFor(summary: string, named: RegExp): string {
  if (summary.length <= WHOLE) return summary;
  const text = summary.replace(/\(([^()]*)\)/g, (whole, inner: string) => {
    const items = inner.split(', ');
    if (items.length < 4) return whole;
    const own = items.filter((item) => named.test(` ${item}`));
    const others = items.length - own.length;
    return own.length > 0 ? `(${own.join(', ')} and ${others} other${others === 1 ? '' : 's'})` : `(${items.length} others)`;
  });
  if (text.length <= WHOLE) return text;
  const items = text.split(', ');
  const own = items.filter((item) => named.test(` ${item}`));
  if (own.length === 0) return `${text.slice(0, WHOLE - 1)}…`;
  const others = items.length - own.length;
  return `${own.join(', ')} (and ${others} other${others === 1 ? '' : 's'} in the entry)`;
}
