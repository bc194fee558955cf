import { closestName } from '../text/closest.ts';
import { catalogueEntry as entry } from './diagnostics.ts';

/**
 * A builder the workspace config does not export (`onDate` from a starter that exports a few):
 * say where it comes from (QA: a new team's first date trigger failed with a generic hint). Also
 * TypeScript's TS2305 (typecheck.ts).
 */
export function configExportHint(name: string): string {
  if (BUILDERS.has(name)) return 'Builders come from defineWorkspace: add it to the names of `export const { … } = defineWorkspace(…)` in campaign.config.ts (docs/dsl.md lists them all).';
  // Not a builder at all (QA: "add it" led to a second error): say so, with the closest one.
  const closest = closestName(name, BUILDERS);
  return `"${name}" is not a builder of campaignkit${closest ? `: did you mean "${closest}"?` : '.'} docs/dsl.md lists them all; those campaign.config.ts takes from defineWorkspace can be imported from it.`;
}

/** What `defineWorkspace` returns (`Workspace` in src/dsl/define-workspace.ts), for the hint above. */
const BUILDERS: ReadonlySet<string> = new Set(
  'segment scoring grades campaign email on profile where onEvent onSegmentEntry onSegmentExit onDate onScore onSchedule manual send wait waitUntil waitForEvent branch split holdout update tag untag addScore notify webhook enroll exit goal'.split(' '),
);

/**
 * The catalogue's codes CK001–CK010: problems found while loading the workspace (the config, the
 * modules, the IR schema). Part of `CATALOGUE` (messages.ts).
 */
export const LOADING_MESSAGES = {
  CK001: entry<{ dir: string }>(
    'missing-workspace-config',
    'error',
    (p) => `No workspace config was found in "${p.dir}": no module calls defineWorkspace.`,
    () => 'Add campaign.config.ts that exports the builders returned by defineWorkspace({ contact, events, … }).',
    'No module of the workspace calls `defineWorkspace`, so there are no contact and event schemas to check definitions against. The compiler stops here.',
  ),
  CK002: entry<{ count: number }>(
    'duplicate-workspace-config',
    'error',
    (p) => `defineWorkspace is called ${p.count} times.`,
    () => 'Keep one defineWorkspace call in campaign.config.ts and import its builders everywhere else.',
    '`defineWorkspace` runs more than once (usually a second config, or a module that calls it instead of importing the builders). Each extra call is reported; the first one, in campaign.config.ts, is used.',
  ),
  CK003: entry<{ file: string; error: string; stopped?: string }>(
    'module-throws',
    'error',
    (p) => `Module "${p.file}" threw while loading: ${p.error}${/[.!?]$/.test(p.error) ? '' : '.'}${p.stopped ?? ''}`,
    () => 'Fix the error in the module; definitions must not depend on the network, the clock or the environment.',
    'A module threw an exception while it was imported. Definitions are evaluated once, at compile time, and must be plain data; the other modules still load.',
  ),
  CK004: entry<{ error: string }>(
    'module-build-error',
    'error',
    (p) => `${p.error}.`,
    (p) =>
      /No matching export in "[^"]*campaign\.config\.ts"/.test(p.error)
        ? configExportHint(/for import "([^"]*)"/.exec(p.error)?.[1] ?? '')
        : 'Fix the syntax or the import path; campaign modules may import the workspace config, each other, zod and campaignkit.',
    'esbuild could not bundle a module: a syntax error, or an import that does not resolve.',
  ),
  CK005: entry<{ path: string; error: string; id?: string }>(
    'invalid-definition',
    'error',
    (p) => `Definition is invalid at "${p.path}": ${p.error}.`,
    (p) =>
      p.id !== undefined
        ? `Use lowercase letters, digits, ".", "_" and "-"${p.id === '' ? '' : `, such as "${p.id}"`}.`
        : p.error.includes('is reserved in JavaScript')
          ? /\.rules\[\d+\]\.id$/.test(p.path)
            ? "Give the rule an id of its own, e.g. on('…', { id: 'my-rule' }): a rule without one is named after its event."
            : 'Choose another name: JavaScript objects already have this one.'
          : p.error.startsWith('it is missing')
          ? 'Give it a value; a condition callback such as where: (c) => … must return the condition it builds.'
          : 'Use the builders from campaign.config.ts rather than writing IR objects by hand.',
    'A definition does not match the IR schema — an id with capitals or spaces, a string where a number belongs. The builders\' types prevent most of these; they appear with `--no-typecheck` or when IR objects are written by hand.',
  ),
  CK006: entry<{ what: string; error: string }>(
    'invalid-workspace-config',
    'error',
    (p) => `The workspace config's ${p.what} is invalid: ${p.error}.`,
    () => 'Check defineWorkspace({ … }) in campaign.config.ts against its documented options.',
    'The contact schema or an event schema passed to `defineWorkspace` is not a `z.object({ … })`, so its fields cannot be read. The uses of such an event are not reported again as undeclared (CK105).',
  ),
  CK007: entry<{ field: string }>(
    'reserved-field-name',
    'error',
    (p) => `Contact field "${p.field}" uses a name reserved by campaignkit.`,
    () => 'Rename the field; "id", "tags" and the condition helpers (all, any, not, did, score, …) are reserved.',
    'A contact field has a name that the condition proxy `c` uses for itself (`id`, `tags`, `all`, `any`, `not`, `did`, `score`, …), so `c.<name>` could not reach the field.',
  ),
  CK008: entry<{ file: string; call: string }>(
    'module-exits',
    'error',
    (p) => `Module "${p.file}" called ${p.call} while being loaded.`,
    () => 'Remove the call: a module only defines, and the command decides when it ends (throw an Error to stop with a message).',
    'A module called `process.exit` while it was imported. The compiler stops the call (the command would otherwise end at once, silently, with that exit code) and reports it; the other modules still load.',
  ),
  CK009: entry<{ kind: 'condition' | 'reference'; made: string; inside?: string } | { kind: 'unevaluated'; operator: string }>(
    'discarded-condition',
    'error',
    (p) =>
      p.kind === 'unevaluated'
        ? `The condition after "${p.operator}" is never built: the condition before it is an object, so "${p.operator}" returns that one alone.`
        : p.kind === 'reference'
          ? `The ${p.made} is read ${p.inside ? `at ${p.inside}, in a function this callback calls, ` : 'in a condition callback '}but never compared: it is not the contact's value, so JavaScript logic on it (if, !, ?:, &&, ||) tests an object that is always there.`
          : p.inside
            ? `The condition "${p.made}" is built and thrown away at ${p.inside}, in a function this callback calls, so the condition the callback returns ignores it.`
            : `The condition "${p.made}" is built in a condition callback but is not part of the condition the callback returns, so it is ignored.`,
    (p) =>
      `Combine conditions with c.all(…) or c.any(…) and negate with c.not(…); \`&&\`, \`||\`, \`!\` and \`?:\` on conditions do not combine them${p.kind === 'reference' ? ', and a field is tested with its operators, such as c.firstName.exists()' : ''}.`,
    'A condition callback (a segment\'s `where`, an audience, `exitWhen`, a branch or goal, a profile rule, an event filter) built a condition that JavaScript logic threw away, or read a field (`c.plan`, `c.score(…)`) without comparing it. Conditions are recorded objects, not booleans: `a && b` returns `b` and drops `a`, `a || b` returns `a` and never builds `b`, `!a` is `false`, and `c.plan ? x : y` always takes `x`. The rule: a condition the callback does not return is reported where its value is thrown away — the left operand of `&&` or of a comma, the test of `?:`, `if` or a loop, the operand of `!` or of a comparison, a statement of its own, a variable never read — and not where it is kept as a value on purpose: an entry of an object or array literal (a lookup table that builds every entry and returns one), an argument of a function, a variable that is read, an assignment. A condition lost inside a helper function is reported at the callback\'s call of the helper, the message naming the line in the helper. The condition after `||` or `??` is reported where it is written: the type-check finds it; with `--no-typecheck`, so does loading, when the operator is written in the callback itself.',
  ),
  CK010: entry<{ file: string }>(
    'module-never-settles',
    'error',
    (p) => `Module "${p.file}" did not finish loading: a top-level await in it, or in a module it imports, waits on a promise that does not settle.`,
    () => 'Remove that await: a module only defines, and must not wait on the network, a timer or anything else while it loads.',
    'A module (or one it imports) awaited, at its top level, a promise that does not settle: once nothing else is left to run, or after the load time limit (30 s; `CAMPAIGN_LOAD_TIMEOUT` sets it in seconds), the module is given up and reported; the other modules still load, and a module importing it is reported too, as it waits on it.',
  ),
} as const;
