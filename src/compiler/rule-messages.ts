import { catalogueEntry as entry } from './diagnostics.ts';

/** A reference to an id that does not exist; `suggestion`: a defined id close to it (`closestName`). */
type Ref = { kind: string; id: string; owner: string; suggestion?: string; other?: string };

/** `; "x" is a campaign` when the id is another kind's: an object of the wrong kind, or an id naming something else. */
const otherIs = (p: Ref) => (p.other === undefined ? '' : `; "${p.id}" is a ${p.other}`);
/** The hint for a reference to another kind's id, or `otherwise`. */
const wrongKind = (p: Ref, otherwise: string) =>
  p.other === undefined ? `${didYouMean(p)}${otherwise}` : `${didYouMean(p)}A ${p.kind} is expected there: check the import (a ${p.other} object was given?) or the id.`;

/** `Did you mean "trial-expiry-last"? ` before a hint, when a close id exists. */
const didYouMean = (p: { suggestion?: string }) => (p.suggestion === undefined ? '' : `Did you mean "${p.suggestion}"? `);

/** `; it is first defined at a.ts:3:16` or `; it is defined again at b.ts:3:16`: the other definitions of a duplicate id. */
const placesOf = (p: { first?: string; again?: string }, verb: string) =>
  p.first ? `; it is first ${verb} at ${p.first}` : p.again ? `; it is ${verb} again at ${p.again}` : '';

/** ` (rename one in a.ts or b.ts)`: the files that define a duplicate id. */
const renameIn = (files: string[] | undefined) =>
  files === undefined || files.length === 0 ? '' : ` (rename one in ${files.length === 1 ? files[0] : `${files.slice(0, -1).join(', ')} or ${files.at(-1)}`})`;

/**
 * The catalogue's codes from CK100: the semantic rules (`rules/`), run on a program that loaded and
 * matches the IR schema. Part of `CATALOGUE` (messages.ts).
 */
export const RULE_MESSAGES = {
  CK100: entry<{ kind: string; id: string; within?: string; first?: string; again?: string; files?: string[] }>(
    'duplicate-id',
    'error',
    (p) => `The ${p.kind} id "${p.id}"${p.within ? ` in ${p.within}` : ''} is defined more than once${placesOf(p, 'defined')}.`,
    (p) => `Give each definition its own id${renameIn(p.files)}; ids are how plans match code to what is deployed.`,
    'Two definitions of the same kind share an id (segments, scores, grade matrices, campaigns, templates; scoring rules or thresholds within a score). Ids are how a plan matches code to what is deployed. Every definition is reported: the first says where the id is defined again, each later one where it is first defined, and the hint names their files — so that a pull request shows the error in the code it changed, whichever definition that is.',
  ),
  CK101: entry<Ref>(
    'unknown-segment',
    'error',
    (p) => `${p.owner} references ${p.kind} "${p.id}", which does not exist${otherIs(p)}.`,
    (p) => wrongKind(p, 'Import the segment object instead of writing its id, or fix the id.'),
    'A condition, audience or trigger names a segment that no module defines.',
  ),
  CK102: entry<Ref>(
    'unknown-template',
    'error',
    (p) => `${p.owner} sends template "${p.id}", which does not exist${otherIs(p)}.`,
    (p) => wrongKind(p, 'Define it with email(…) or pass the template object to send().'),
    'A `send` step names a template that no module defines.',
  ),
  CK103: entry<Ref>(
    'unknown-score',
    'error',
    (p) => `${p.owner} references ${p.kind} "${p.id}", which does not exist${otherIs(p)}.`,
    (p) => wrongKind(p, `Define it with ${p.kind === 'score' ? 'scoring' : 'grades'}(…), pass the object instead of its id, or fix the id.`),
    'A condition, trigger, step or grade matrix names a score or grade matrix that no module defines.',
  ),
  CK104: entry<Ref>(
    'unknown-campaign',
    'error',
    (p) => `${p.owner} references ${p.kind} "${p.id}", which does not exist${otherIs(p)}.`,
    (p) => wrongKind(p, 'Fix the campaign id.'),
    'An `enroll` or `exit` step names a campaign that no module defines.',
  ),
  CK105: entry<Ref>(
    'unknown-event',
    'error',
    (p) => `${p.owner} uses event "${p.id}", which the workspace does not declare.`,
    (p) => `${didYouMean(p)}Add the event to \`events\` in campaign.config.ts or fix its name.`,
    'A trigger, condition, scoring rule or `waitForEvent` step uses an event that the workspace\'s `events` do not declare.',
  ),
  CK106: entry<Ref>(
    'unknown-contact-field',
    'error',
    (p) => `${p.owner} uses contact field "${p.id}", which the contact schema does not have.`,
    () => 'Add the field to `contact` in campaign.config.ts or fix its name.',
    'A condition, `update` step or date trigger uses a contact field that the contact schema does not have.',
  ),
  CK107: entry<Ref & { event: string }>(
    'unknown-event-property',
    'error',
    (p) => `${p.owner} filters event "${p.event}" on property "${p.id}", which the event does not have.`,
    () => 'Add the property to the event schema in campaign.config.ts or fix its name.',
    'An event filter (`where: (e) => …`) uses a property that the event\'s schema does not have.',
  ),
  CK108: entry<{ campaign: string; step: string; from: string }>(
    'unknown-step',
    'error',
    (p) => `Campaign "${p.campaign}" moves contacts from removed step "${p.from}" to step "${p.step}", which does not exist.`,
    () => 'Name a step of the campaign in removedSteps, or use "exit".',
    '`removedSteps` moves the contacts waiting in a removed step to a step that does not exist in the campaign.',
  ),
  CK109: entry<{ campaign: string; step: string; reason: string }>(
    'unreachable-step',
    'error',
    (p) => `Step "${p.step}" of campaign "${p.campaign}" is unreachable (${p.reason}).`,
    () => 'Remove it or branch to it.',
    'No contact can reach the step: it comes after an exit (or after a step whose every path ends in an exit), it is in the arm of a branch whose condition is constant, or in a split variant of weight 0.',
  ),
  CK110: entry<{ cycle: string[] }>(
    'segment-cycle',
    'error',
    (p) =>
      p.cycle.length === 2
        ? `Segment "${p.cycle[0]}" references itself.`
        : `Segments reference each other in a cycle: ${p.cycle.map((s) => `"${s}"`).join(' → ')}.`,
    () => 'Break the cycle; a segment cannot depend on itself.',
    'Segments reference each other (`c.inSegment(…)`) in a cycle, so none of them can be evaluated.',
  ),
  CK111: entry<{ cycle: string[] }>(
    'enroll-loop',
    'error',
    (p) =>
      p.cycle.length === 2
        ? `Campaign "${p.cycle[0]}" enrolls contacts in itself with no wait in between.`
        : `Campaigns enroll each other with no wait in between: ${p.cycle.map((s) => `"${s}"`).join(' → ')}.`,
    () => 'Add a wait before the enroll step so that a loop cannot run without pause.',
    'Campaigns enroll each other (or themselves) with no `wait` or `waitForEvent` on the way, so a contact could loop without pause. `waitUntil` and `goal` can let contacts through at once and do not count.',
  ),
  CK112: entry<{ campaign: string; step: string; total: number }>(
    'split-weights',
    'error',
    (p) => `Split "${p.step}" of campaign "${p.campaign}" has weights that sum to ${p.total}, not 100.`,
    () => 'Make the variant weights percentages that add up to 100.',
    'The weights of a split\'s variants do not add up to 100.',
  ),
  CK113: entry<{ score: string; detail: string }>(
    'thresholds-order',
    'error',
    (p) => `Thresholds of score "${p.score}" are out of order: ${p.detail}.`,
    () => 'List thresholds from lowest to highest, each with its own value.',
    'A score\'s thresholds are not listed in strictly ascending order.',
  ),
  CK114: entry<{ owner: string; value: string }>(
    'invalid-duration',
    'error',
    (p) => `${p.owner} has an invalid duration "${p.value}".`,
    () => 'Write durations like "30m", "36h", "2d", "1w" or ISO 8601 ("P2DT3H"), greater than zero.',
    'A duration is not `30m`, `36h`, `2d`, `1w` or ISO 8601 (`P2DT3H`), or is not greater than zero.',
  ),
  CK115: entry<{ owner: string; value: string; emptyWindow?: boolean }>(
    'invalid-time',
    'error',
    (p) => (p.emptyWindow ? `${p.owner} has an empty time window "${p.value}".` : `${p.owner} has an invalid time of day "${p.value}".`),
    (p) => (p.emptyWindow ? 'Give the window different start and end times.' : 'Write times as 24-hour "HH:MM", e.g. "09:00".'),
    'A time of day is not 24-hour `HH:MM`, or a time window starts and ends at the same time.',
  ),
  CK116: entry<{ owner: string; value: string }>(
    'invalid-timezone',
    'error',
    (p) => `${p.owner} names an unknown time zone "${p.value}".`,
    () => 'Use an IANA time zone such as "Europe/Paris" or "America/New_York".',
    'The workspace time zone, or a value an `update` step or threshold action writes to the contacts\' time zone field (`fields.timezone`), is not an IANA time zone name. `contacts import` refuses such a value; written by a step, the runtime would silently use the workspace time zone instead.',
  ),
  CK117: entry<{ owner: string; field: string; kind: string }>(
    'date-field-kind',
    'error',
    (p) => `${p.owner} uses ${p.kind} field "${p.field}" as a date.`,
    () => 'Use a field declared with z.iso.date() or z.iso.datetime().',
    'A date operator (`withinLast`, `before`, `anniversary`, …) or a date trigger uses a field that is not declared with `z.iso.date()` or `z.iso.datetime()`.',
  ),
  CK118: entry<{ owner: string; placeholder: string; part: string; notify?: boolean; scores?: boolean; suggestion?: string }>(
    'unknown-placeholder',
    'error',
    (p) => `${p.owner} uses placeholder "{{${p.placeholder}}}" in its ${p.part}, which is not ${p.notify ? 'a contact field, a score or a grade matrix' : 'a contact field'}.`,
    // A team notification has no unsubscribe link (CK141): not a placeholder to suggest there.
    (p) =>
      `${didYouMean(p)}${
        p.notify
          ? 'Use a contact field from campaign.config.ts, "id", "score.<score id>" or "grade.<grade matrix id>".'
          : `Use a contact field from campaign.config.ts, "id" or "unsubscribeUrl".${p.scores ? ' Scores and grades are placeholders of notify messages only: an email is rendered at delivery, from the contact\'s fields.' : ''}`
      }`,
    'A `{{placeholder}}` in a template or a notify message is neither a contact field nor a system placeholder (`id`, `unsubscribeUrl`; in a notify message `score.<id>` and `grade.<id>`).',
  ),
  CK119: entry<{ template: string; part: 'text' | 'HTML' }>(
    'missing-unsubscribe-link',
    'error',
    (p) => `Marketing template "${p.template}" has no unsubscribe link in its ${p.part}.`,
    () => 'Add {{unsubscribeUrl}} to the text and the HTML body, or mark the template kind: "transactional".',
    'A marketing template\'s text (or HTML body) has no `{{unsubscribeUrl}}`; every marketing email must carry an unsubscribe link.',
  ),
  CK120: entry<{ kind: string; id: string; from: string; within?: string | undefined }>(
    'renamed-from-exists',
    'error',
    (p) => `The ${p.kind} "${p.id}"${p.within ? ` of ${p.within}` : ''} is renamed from "${p.from}", but "${p.from}" still exists.`,
    () => 'Remove renamedFrom, or remove the old definition.',
    'A definition or step declares `renamedFrom` an id that still exists, so the plan cannot treat it as a rename.',
  ),
  CK121: entry<{ kind: string; from: string; claimants: string[]; within?: string | undefined }>(
    'renamed-from-claimed-twice',
    'error',
    (p) => `The ${p.kind} "${p.from}"${p.within ? ` of ${p.within}` : ''} is claimed by renamedFrom of ${p.claimants.map((c) => `"${c}"`).join(' and ')}.`,
    () => 'Only one definition can be the new name of an old id.',
    'Two definitions or steps claim the same old id with `renamedFrom`.',
  ),
  CK122: entry<{ campaign: string }>(
    'missing-trigger',
    'error',
    (p) => `Campaign "${p.campaign}" has no trigger.`,
    () => 'Add trigger: onEvent(…), onSegmentEntry(…), onSegmentExit(…), onDate(…), onScore(…), onSchedule(…) or manual().',
    'A campaign has no trigger, so no contact can enter it (the types require one; this appears with `--no-typecheck`).',
  ),
  CK123: entry<{ campaign: string; step: string; first?: string; again?: string; files?: string[] }>(
    'duplicate-step-id',
    'error',
    (p) => `Step id "${p.step}" is used more than once in campaign "${p.campaign}"${placesOf(p, 'used')}.`,
    (p) => `Give each step its own id${renameIn(p.files)}; ids are where waiting contacts are kept.`,
    'Two steps of a campaign, at any depth, share an id. Step ids are where waiting contacts are kept. Every step with the id is reported: the first says where it is used again, each later one where it is first used, and the hint names their files.',
  ),
  CK124: entry<{ campaign: string }>(
    'empty-journey',
    'error',
    (p) => `Campaign "${p.campaign}" has no steps.`,
    () => 'Add at least one step.',
    'A campaign has no steps.',
  ),
  CK125: entry<{ owner: string; kind: 'team' | 'webhook endpoint'; id: string; suggestion?: string }>(
    'unknown-recipient',
    'error',
    (p) => `${p.owner} uses ${p.kind} "${p.id}", which the workspace config does not declare.`,
    (p) => `${didYouMean(p)}Declare it under ${p.kind === 'team' ? 'teams' : 'webhooks'} in campaign.config.ts.`,
    'A `notify` step names a team, or a `webhook` step an endpoint, that the workspace config does not declare.',
  ),
  CK126: entry<{ owner: string; field: string; kind: string; op?: string; value?: string; expected?: string; sets?: boolean }>(
    'type-mismatch',
    'error',
    (p) =>
      p.op !== undefined
        ? `${p.owner} uses ${p.op} on ${p.kind} field "${p.field}".`
        : `${p.owner} ${p.sets ? 'sets' : 'compares'} ${p.kind} field "${p.field}" ${p.sets ? 'to' : 'with'} ${p.value}, which is not ${p.expected}.`,
    () => 'Use an operator and a value that fit the field type declared in campaign.config.ts.',
    'A comparison or an `update` does not fit the field\'s type: a number operator on text, a text operator on a number, or a value the field cannot hold (not one of an enum\'s values, text for a number, …).',
  ),
  CK127: entry<{ grades: string; detail: string }>(
    'invalid-grade-bands',
    'error',
    (p) => `Grade matrix "${p.grades}" is invalid: ${p.detail}.`,
    () => 'Give each axis distinct band names with distinct minimums.',
    'A grade matrix axis repeats a band name or gives two bands the same minimum.',
  ),
  CK128: entry<{ setting: string; field: string; expected: string }>(
    'settings-field-kind',
    'error',
    (p) => `The workspace setting ${p.setting} names field "${p.field}", which is not a ${p.expected} field of the contact schema.`,
    () => 'Point the setting at a field of the right type in the contact schema.',
    'A workspace setting that names a contact field (`consent.email`, `fields.email`, `fields.timezone`) names a field of the wrong type, or one that does not exist.',
  ),
  CK129: entry<{ campaign: string; step: string }>(
    'step-move-conflict',
    'error',
    (p) => `Campaign "${p.campaign}" declares removedSteps for "${p.step}", but that step still exists.`,
    () => 'Remove the removedSteps entry, or remove the step.',
    '`removedSteps` has an entry for a step that still exists in the campaign.',
  ),
  CK130: entry<{ owner: string; what: 'weight' | 'percent'; value: number; range: string }>(
    'percent-out-of-range',
    'error',
    (p) => `${p.owner} has ${p.what} ${p.value}, which is not ${p.range}.`,
    () => 'Use a percentage within the allowed range.',
    'A holdout percentage is not strictly between 0 and 100, or a split weight is not between 0 and 100.',
  ),
  CK131: entry<{ owner: string; pattern: string; error: string }>(
    'invalid-regex',
    'error',
    (p) => `${p.owner} has an invalid regular expression "${p.pattern}": ${p.error}.`,
    () => 'Fix the pattern (JavaScript RegExp syntax).',
    'A `matches` condition has a pattern that is not a valid JavaScript regular expression.',
  ),
  CK132: entry<{ owner: string; value: string }>(
    'invalid-date',
    'error',
    (p) => `${p.owner} has an invalid date "${p.value}".`,
    () => 'Write dates as ISO 8601: "2026-01-31" or "2026-01-31T09:00:00Z".',
    'A date in a condition (`before`, `after`) or a schedule trigger is not a valid ISO 8601 date or date-time.',
  ),
  CK133: entry<{ score: string; at: number; bound: string } & ({ threshold: string } | { campaign: string })>(
    'threshold-unreachable',
    'warning',
    (p) =>
      'campaign' in p
        ? p.bound.startsWith('the floor')
          ? `The onScore trigger of campaign "${p.campaign}" at ${p.at} is never crossed: score "${p.score}" is never below ${p.at} (${p.bound}), so contacts enter when their score is first checked, not on a crossing.`
          : `The onScore trigger of campaign "${p.campaign}" at ${p.at} can never fire: score "${p.score}" never reaches ${p.at} (${p.bound}).`
        : `Threshold "${p.threshold}" of score "${p.score}" at ${p.at} can never be crossed (${p.bound}).`,
    (p) =>
      'campaign' in p
        ? p.bound.startsWith('the floor')
          ? `Raise the trigger's value above the floor of score "${p.score}", or lower the floor.`
          : `Lower the trigger's value to at most the cap of score "${p.score}", or raise the cap.`
        : p.bound.startsWith('the floor')
          ? 'Raise the threshold above the floor, or lower the floor.'
          : 'Lower the threshold or raise the cap.',
    'A threshold, or the value of an `onScore` trigger, can never be crossed upwards: it is above the score\'s cap, or at or below its floor.',
  ),
  CK134: entry<{ template: string }>(
    'unused-template',
    'warning',
    (p) => `Template "${p.template}" is not sent by any campaign.`,
    () => 'Send it from a campaign or remove it.',
    'A template is defined but no campaign sends it. Not reported while a module fails to load (CK003): the campaigns it defines, and what they send, are unknown.',
  ),
  CK135: entry<{ owner: string; detail: string }>(
    'invalid-count',
    'error',
    (p) => `${p.owner} has an impossible count: ${p.detail}.`,
    () => 'Make atLeast no greater than atMost.',
    'A behaviour condition asks for at least more events than its at-most count.',
  ),
  CK136: entry<{ owner: string; text: string }>(
    'malformed-placeholder',
    'error',
    (p) => `${p.owner} has a malformed placeholder "${p.text}".`,
    () => 'Write placeholders as {{field}} or {{field ?? "fallback"}}.',
    'Text contains `{{` that does not form a placeholder (`{{ first name }}`, `{{name}`).',
  ),
  CK137: entry<{ campaign: string; step: string }>(
    'empty-branch',
    'warning',
    (p) => `Branch "${p.step}" of campaign "${p.campaign}" has no steps in either arm.`,
    () => 'Add steps to an arm or remove the branch.',
    'A branch has no steps in either arm, so it does nothing.',
  ),
  CK138: entry<{ setting: string; url: string; problem: string }>(
    'invalid-url',
    'error',
    (p) => `The workspace setting ${p.setting} "${p.url}" cannot be used: ${p.problem}.`,
    (p) =>
      p.setting === 'unsubscribeUrl'
        ? 'Give the absolute https URL of your unsubscribe page; each email adds a signed token to it.'
        : 'Give an absolute http or https URL on a usual port, without credentials: the endpoint signs its requests with the secret named by secretEnv.',
    'A webhook endpoint\'s `url` or the `unsubscribeUrl` is not an absolute http(s) URL, holds a user name or password, or uses a port that `fetch` refuses (such as 9, 25 or 6000), so nothing could ever reach it.',
  ),
  CK139: entry<{ url: string }>(
    'unsubscribe-not-https',
    'warning',
    (p) => `The workspace setting unsubscribeUrl "${p.url}" is not HTTPS, so marketing email carries no one-click unsubscribe (List-Unsubscribe-Post).`,
    () => 'Use an https:// address: one-click unsubscribe (RFC 8058) requires HTTPS, and large mailbox providers require one-click unsubscribe from bulk senders.',
    'The `unsubscribeUrl` is `http://`. RFC 8058 allows one-click unsubscribe only over HTTPS, so marketing email goes out with a `List-Unsubscribe` link but without `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.',
  ),
  CK140: entry<{ owner: string; what: string; text: string; char: string }>(
    'control-character',
    'error',
    (p) => `${p.owner} has a control character (${p.char}) in its ${p.what} "${p.text}".`,
    (p) => `Write the ${p.what} on one line, without line breaks, tabs or other control characters: plans, the preview and logs show it on one line.`,
    'A name, a step label or a scoring rule id holds a line break, a tab or another control character. Plans, the preview and logs print these on one line, where such a character breaks the layout (or hides what follows it).',
  ),
  CK141: entry<{ owner: string; part: string }>(
    'unsubscribe-link-in-notify',
    'error',
    (p) => `${p.owner} uses "{{unsubscribeUrl}}" in its ${p.part}, but a team notification has no unsubscribe link.`,
    () => 'Remove {{unsubscribeUrl}}: a notify step writes to a team, not to the contact, and the placeholder renders empty there.',
    'A `notify` step (in a journey or among a threshold\'s actions) uses `{{unsubscribeUrl}}` in its subject or message. Notifications go to a team, not to the contact, so there is no unsubscribe link to put there: it would render empty.',
  ),
  CK142: entry<{ owner: string; event: string }>(
    'since-entry-outside-journey',
    'error',
    (p) => `${p.owner} counts "${p.event}" events since entry (sinceEntry: true), but it is evaluated outside any journey enrollment, so no event ever counts.`,
    () => 'Use within: "…" to count recent events, or move the condition to a branch, goal or exitWhen of a campaign, where sinceEntry counts from the contact\'s entry.',
    '`c.did(…, { sinceEntry: true })` (or `c.didNot`) in a segment, a campaign\'s `audience` or a scoring rule. `sinceEntry` counts events from the contact\'s entry into the current journey; these conditions are evaluated outside any enrollment (an audience before the contact enters), so no event counts: `did` is always false and `didNot` always true.',
  ),
  CK143: entry<{ campaign: string; window: string; quiet: string }>(
    'send-window-in-quiet-hours',
    'error',
    (p) => `Campaign "${p.campaign}" sends marketing email only in its sendWindow ${p.window}, which lies inside the workspace's quiet hours ${p.quiet}: none of it could ever be sent (contacts would wait forever).`,
    () => 'Move the sendWindow (partly) outside quiet hours, or change quietHours in campaign.config.ts.',
    "A campaign's `sendWindow` lies wholly inside the workspace's `quietHours`, and the campaign sends marketing email. Quiet hours defer a marketing email to their end, the window to its next opening, which is inside quiet hours again: the email would be deferred forever. Transactional email ignores quiet hours, so a campaign sending only transactional email is not reported.",
  ),
  CK144: entry<{ template: string; field: string; raw: string; part: string; sends: number; campaign?: string; step?: string }>(
    'placeholder-without-fallback',
    'warning',
    (p) =>
      `Template "${p.template}" writes "${p.raw}" in its ${p.part} without a fallback, and contact field "${p.field}" is optional: ` +
      (p.campaign === undefined
        ? 'a contact without it would read an empty text.'
        : `step "${p.step}" of campaign "${p.campaign}"${p.sends > 1 ? ` (and ${p.sends - 1} other send step${p.sends > 2 ? 's' : ''})` : ''} sends it to contacts who may not have it, and they read an empty text.`),
    (p) => `Write {{${p.field} ?? "…"}} with the words to show instead, or send the template only to contacts who have the field (an audience or a branch on c.${p.field}.exists()).`,
    'A template writes `{{field}}` for a contact field that is optional (or nullable) in the contact schema, with no fallback, and a campaign sends it to contacts who may not have the field — or no campaign sends it yet. They would read an empty text ("Your  workspace"). The field is known to hold a value, and nothing is reported, when the campaign\'s `audience` requires it (`c.company.exists()`, a comparison such as `c.company.eq(\'Acme\')`, a date operator, membership of a segment that does), when its trigger is `onDate` on that field, `onSegmentEntry` of such a segment or `onSegmentExit` of one that every contact without it belongs to (unless an `enroll` step or action also leads into the campaign: those skip the trigger), or when the send is in the arm of a `branch` that tested it, or after an `update` that wrote it. After a `goal` step, or in a step that `removedSteps` moves contacts to, only what held at entry counts; a field that an `update` empties (`null` or `""`) is never known. An import that removes a value after the contact entered, or `campaign enroll` from the command line (which skips the trigger), is not foreseen.',
  ),
  CK145: entry<{ score: string; rule: string; cycle: string[] }>(
    'score-cycle',
    'error',
    (p) =>
      p.cycle.length === 2
        ? `Profile rule "${p.rule}" of score "${p.score}" reads score "${p.score}" itself: its points would depend on themselves.`
        : `Profile rule "${p.rule}" of score "${p.score}" depends on the score itself: ${p.cycle.join(' → ')}.`,
    () => 'A profile rule cannot read its own score, directly or through segments, grades or other scores; base it on fields, events or a score outside the cycle.',
    "A score's profile rule reads the score itself — `c.score(sameScore)`, or a segment, grade matrix or other score's profile rule that reads it. Its points would depend on themselves: a rule that holds below a value adds points that make it fail, and the value would flip at every re-evaluation. Cycles of segments alone are CK110.",
  ),
} as const;
