import { emailTime, type ContactExplanation } from '../runtime/explain.ts';
import type { StoredEvent } from '../store/types.ts';
import { shortInstant } from '../text/instant.ts';
import { terminalSafeDeep } from '../text/terminal-safe.ts';
import type { Colors } from './colors.ts';

/** `campaign contact ID`: one contact, explained. */

const short = (iso: string | null | undefined) => (iso ? shortInstant(iso) : '—');
const num = (value: number) => String(Math.round(value * 100) / 100);

/**
 * A score as `num` shows it, to two decimals — unless that would put it on the other side of one
 * of `marks` (its thresholds) or round it to a whole number it is not: 49.9998 after decay is
 * "49.9998", not "50" beside a threshold at 50 that it has not crossed. Scores are kept
 * to 4 decimals, and conditions compare those.
 */
export function scoreText(value: number, marks: readonly number[]): string {
  const shown = Math.round(value * 100) / 100;
  // A whole number it is not: 0.0015 is not "0" above `✓ score > 0`, which a segment compares.
  const misleading = marks.some((mark) => value >= mark !== shown >= mark) || (Number.isInteger(shown) && value !== shown);
  return String(misleading ? Math.round(value * 10_000) / 10_000 : shown);
}

/** `events`, `unsubscribes`: the contact's events and unsubscribe clicks in the journal that no run has processed yet. */
/** Audit entries shown in the text; JSON has all. */
const AUDIT_SHOWN = 10;

export function renderContactExplanation(explanation: ContactExplanation, c: Colors, shown: { deployed: boolean; events?: readonly StoredEvent[]; unsubscribes?: readonly { at: string }[] }): string {
  // Contact data is shown with its control characters escaped (`terminalSafe`).
  const x = terminalSafeDeep(explanation);
  const options = terminalSafeDeep(shown);
  const out: string[] = [];
  const name = [x.contact.fields.firstName, x.contact.fields.lastName].filter((v) => typeof v === 'string').join(' ');
  out.push(`${c.bold(x.contact.id)}${x.email ? ` <${x.email}>` : ''}${name ? ` — ${name}` : ''}`);
  out.push(c.dim(`as of ${short(x.now)}, time zone ${x.timezone}${x.contact.tags.length ? `, tags: ${x.contact.tags.join(', ')}` : ''}${options.deployed ? '' : ' (nothing deployed: explained with the workspace as it is)'}`));
  const { suppressed, consent } = x.emailable;
  if (suppressed) out.push(c.yellow(`No email goes to this address: it is on the suppression list (${suppressed.reason}, ${short(suppressed.at)}), marketing and transactional alike.`));
  else if (!consent && x.email) out.push(c.yellow('No marketing email goes to this contact: it has not consented to email (transactional email and team notifications still go).'));
  const clicked = options.unsubscribes?.[0];
  if (clicked && !(suppressed && !consent)) {
    out.push(c.yellow(`This contact clicked an unsubscribe link (${short(clicked.at)}): the next \`campaign run\` puts the address on the suppression list and withdraws consent, before it sends anything.`));
  }
  const unprocessed = options.events ?? [];
  if (unprocessed.length) {
    // Accepted (`track`, `events ingest`) but not run: without this line they look lost.
    const last = unprocessed.reduce((a, b) => (b.at > a.at ? b : a));
    const one = unprocessed.length === 1;
    out.push(c.yellow(`${one ? '1 event' : `${unprocessed.length.toLocaleString('en-US')} events`} of this contact ${one ? 'is' : 'are'} in the journal, not run yet (${one ? '' : 'the last: '}${last.event} at ${short(last.at)}); this explanation leaves ${one ? 'it' : 'them'} out until \`campaign run\` processes ${one ? 'it' : 'them'}.`));
  }

  out.push('', c.bold('Scores'));
  for (const score of x.scores) {
    out.push(`  ${score.id}: ${c.bold(scoreText(score.value, score.thresholds.map((t) => t.at)))}${score.thresholds.length ? c.dim(`  (thresholds: ${score.thresholds.map((t) => `${t.id} ${t.at}${t.reached ? ' ✓' : ''}`).join(', ')})`) : ''}`);
    for (const rule of score.rules) {
      out.push(`    ${rule.points >= 0 ? '+' : ''}${rule.points}  ${rule.rule}${rule.kind === 'event' && rule.count ? c.dim(` (${rule.count}×${score.decays ? ', decayed' : ''})`) : rule.kind === 'profile' ? c.dim(' (profile)') : ''}`);
    }
    if (Math.abs(score.adjustment) >= 0.05) out.push(c.dim(`    ${score.adjustment >= 0 ? '+' : ''}${score.adjustment}  floor/cap`));
  }
  for (const grade of x.grades) out.push(`  grade ${grade.matrix}: ${c.bold(grade.grade)}${c.dim(`  (${grade.fit} × ${grade.engagement})`)}`);

  out.push('', c.bold('Segments'));
  // Members with every clause; non-members on one line each, with the first clause that fails.
  for (const segment of x.segments.filter((s) => s.member)) {
    out.push(`  ${c.green('✓')} ${segment.id}`);
    const joiner = segment.joiner ? c.dim(` ${segment.joiner}`) : '';
    segment.clauses.forEach((clause, i) => {
      out.push(`      ${clause.holds ? c.green('✓') : c.red('✗')} ${clause.text}${i < segment.clauses.length - 1 ? joiner : ''}`);
    });
  }
  for (const segment of x.segments.filter((s) => !s.member)) {
    const failing = segment.joiner === 'or' ? null : segment.clauses.find((clause) => !clause.holds);
    out.push(`  ${c.dim('✗')} ${segment.id}${failing ? c.dim(` — not: ${failing.text}`) : ''}`);
  }

  out.push('', c.bold('Journeys'));
  if (x.journeys.length === 0 && x.queued.length === 0) out.push(c.dim('  none'));
  for (const j of x.journeys) {
    let where: string;
    if (j.status !== 'active') where = `${j.status}${j.exitReason ? ` (${j.exitReason})` : ''}`;
    else if (j.waitingFor) where = `waiting in ${j.step} for ${j.waitingFor} until ${short(j.wakeAt)}`;
    else if (j.phase === 'waiting') where = j.wakeAt ? `waiting in ${j.step} until ${short(j.wakeAt)}` : `waiting in ${j.step} for its goal`;
    else where = `next: ${j.step} at ${short(j.wakeAt)}`;
    // Explained after the store's clock (--now): what the store says waits until then is due, and
    // nothing moves it before a run does.
    if (j.status === 'active' && j.wakeAt && j.wakeAt <= x.now) where += ', due: the next run moves it on';
    out.push(`  ${j.campaign} ${c.dim(`#${j.enrollment.split('/').at(-1)}`)}: ${where} ${c.dim(`(entered ${short(j.enteredAt)})`)}`);
  }
  for (const q of x.queued) out.push(`  ${q.campaign}: queued by ${q.by} for ${short(q.at)}; the next \`campaign run\` enrolls it (campaign enroll)`);

  out.push('', c.bold('Emails'));
  if (x.emails.length === 0) out.push(c.dim('  none'));
  for (const m of [...x.emails].sort((a, b) => Date.parse(emailTime(a)) - Date.parse(emailTime(b)))) out.push(`  ${short(emailTime(m))} ${m.kind === 'notification' ? 'notified' : m.kind} "${m.subject}" → ${m.to} [${m.status}${m.reason ? `: ${m.reason}` : ''}${m.willSkip ? ` — will be skipped: ${m.willSkip}` : ''}]`);

  // Who changed the contact's consent or enrollments by hand, and when (newest first, as the timeline).
  if (x.audit.length > 0) {
    out.push('', c.bold('Audit log') + c.dim(' (entries naming this contact, newest first)'));
    for (const m of x.audit.slice(0, AUDIT_SHOWN)) out.push(`  ${c.dim(short(m.at))} ${m.action} by ${m.actor}: ${m.text}`);
    if (x.audit.length > AUDIT_SHOWN) out.push(c.dim(`  … ${x.audit.length - AUDIT_SHOWN} earlier (--format json lists them all)`));
  }

  out.push('', c.bold('Timeline') + c.dim(' (newest first)'));
  for (const item of x.timeline) out.push(`  ${c.dim(short(item.at))} ${item.kind.padEnd(7)} ${item.text}`);
  return out.join('\n');
}
