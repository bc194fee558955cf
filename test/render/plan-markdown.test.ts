import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashProgram } from '../../src/ir/canonical.ts';
import type { Campaign, Program, Segment, Template } from '../../src/ir/types.ts';
import { applyTransition } from '../../src/planner/apply-transition.ts';
import { planChanges } from '../../src/planner/build-plan.ts';
import { computeTransition } from '../../src/planner/compute-transition.ts';
import type { Plan } from '../../src/planner/plan-types.ts';
import { cell, mdCode, mdText } from '../../src/render/markdown.ts';
import { GITHUB_COMMENT_LIMIT, PLAN_COMMENT_MARKER, renderPlanMarkdown } from '../../src/render/plan-markdown.ts';
import type { StoreData } from '../../src/store/types.ts';
import { PLAN_FIXTURES, planFixtureNames, preparePlanFixture } from '../planner/fixture-cases.ts';
import { campaign, contact, enrollment, inCountries, NOW, program, score, segment, send, store, wait } from '../planner/helpers.ts';
import { expectWellFormed, parseMarkdown, plainText, tables, visit } from './markdown-check.ts';

const SNAPSHOTS = path.join(import.meta.dirname, 'fixtures', 'plan-markdown');

function deploy(data: StoreData, p: Program): StoreData {
  const t = computeTransition({ deployed: null, next: p, store: data, now: NOW });
  return applyTransition(data, t, p, hashProgram(p), NOW, 'test');
}

/** A string that tries every way to break out of Markdown and HTML, or to ping someone. */
const HOSTILE = 'Q4 | <b>promo</b> **now** _x_ [click](https://evil.example) `tick` @sales-team #12 & </details>\nline two';

const template = (id: string, subject: string, over: Partial<Template> = {}): Template => ({ type: 'template', id, kind: 'marketing', subject, text: `Hello {{firstName}}, ${subject}`, ...over });

/**
 * The step-moves case: in campaign "onboarding", step "tips" is removed with a move to the new
 * "follow-up", "pause" is removed with an exit, the wait "cool-off" gets shorter; a segment with a
 * hostile name is added and a template's subject changes to a hostile string.
 */
function stepMovesPlan(options: { emails?: boolean } = {}): Plan {
  const steps = [send('welcome', 'welcome-email'), wait('cool-off', '2d'), send('tips', 'tips-email'), wait('pause', '3d'), send('last', 'last-email')];
  const templates = ['welcome-email', 'tips-email', 'last-email'].map((id) => template(id, `About ${id}`));
  const v1 = program({ segments: [segment('eu', inCountries('FR', 'DE'))], campaigns: [campaign('onboarding', steps, { name: 'Onboarding' })], templates });
  const v2 = program({
    segments: [segment('eu', inCountries('FR', 'DE')), segment('eu-plus', inCountries('FR', 'DE', 'BE'), { name: HOSTILE })],
    campaigns: [
      campaign('onboarding', [send('welcome', 'welcome-email'), wait('cool-off', '1d'), send('follow-up', 'welcome-email'), send('last', 'last-email')], {
        name: 'Onboarding',
        stepMoves: [
          { from: 'tips', to: 'follow-up' },
          { from: 'pause', to: null },
        ],
      }),
    ],
    templates: [template('welcome-email', HOSTILE), templates[2]!],
  });
  const contacts = ['c1', 'c2', 'c3', 'c4', 'c5'].map((id, i) => contact(id, { country: ['FR', 'BE', 'DE', 'BE', 'US'][i], plan: 'trial' }));
  const base = deploy(store(null, { contacts }), v1);
  const data: StoreData = {
    ...base,
    enrollments: [enrollment('onboarding', 'c1', 'tips'), enrollment('onboarding', 'c2', 'tips'), enrollment('onboarding', 'c3', 'pause'), enrollment('onboarding', 'c4', 'cool-off')],
  };
  return planChanges({
    next: v2,
    store: data,
    now: NOW,
    sources: {
      'campaign:onboarding': { file: 'campaigns/journeys/onboarding.ts', line: 4 },
      'segment:eu-plus': { file: 'campaigns/segments/eu-plus.ts', line: 3 },
      'template:welcome-email': { file: 'campaigns/emails/welcome.ts', line: 3 },
    },
    ...(options.emails ? { emailField: 'email' } : {}),
  }).plan;
}

describe('renderPlanMarkdown', () => {
  for (const name of planFixtureNames()) {
    it(`renders the ${name} plan as well-formed Markdown (snapshot: test/planner/fixtures/${name}/plan.snap.md)`, () => {
      const { store: data, after, now } = preparePlanFixture(path.join(PLAN_FIXTURES, name));
      const md = renderPlanMarkdown(planChanges({ next: after, store: data, now }).plan);
      expect(md.split('\n')[0]).toBe(PLAN_COMMENT_MARKER);
      expectWellFormed(md);
    });
  }

  it('shows step moves and exits in a warning block and a table, with sources (snapshot)', async () => {
    const plan = stepMovesPlan();
    const md = renderPlanMarkdown(plan);
    await expect(md).toMatchFileSnapshot(path.join(SNAPSHOTS, 'step-moves.md'));
    const root = expectWellFormed(md);
    expect(md).toContain(`<!-- program ${plan.programHash} deployed ${plan.deployedHash} -->`);
    expect(md).toContain('> [!WARNING]');
    expect(md).toContain('> - **2 contacts** waiting in removed step `tips` of `onboarding` move to `follow-up`.');
    // An exit by removedSteps is a warning of its own (a CI annotation too), listed once.
    expect(md).toContain("> - Step \"pause\" of campaign \"onboarding\" is removed while 1 contact waits in it; removedSteps says 'exit', so they leave the campaign on apply.");
    expect(md).not.toContain('waiting in removed step `pause` of `onboarding` exits the campaign');
    expect(plan.warnings.map((w) => w.code)).toContain('removed-step-exits-contacts');
    const steps = tables(root).find((t) => plainText(t.children[0]!).startsWith('CampaignStep'))!;
    expect(steps.children.slice(1).map((row) => row.children.map(plainText))).toEqual([
      // c4 waits in cool-off, before the new follow-up step (c1, c2 move into it: their row says so).
      ['onboarding', 'follow-up', 'new', '1', 'run it when they get there: it sends "welcome-email" (they are before it)', 'c4'],
      ['onboarding', 'cool-off', 'changed', '1', 'stay; wake-ups 1d earlier: all now past, they go on at the next run', 'c4'],
      ['onboarding', 'pause', 'removed', '1', 'exit the campaign', 'c3'],
      ['onboarding', 'tips', 'removed', '2', 'move to follow-up', 'c1, c2'],
    ]);
    expect(md).toContain('`campaigns/journeys/onboarding.ts:4`');
    // No personal data by default.
    expect(md).not.toMatch(/@example\.com/);
  });

  it('shows example emails only when the plan carries them (--show-emails)', async () => {
    const md = renderPlanMarkdown(stepMovesPlan({ emails: true }));
    await expect(md).toMatchFileSnapshot(path.join(SNAPSHOTS, 'step-moves-emails.md'));
    expectWellFormed(md);
    expect(md).toContain('`c1 <c1@example.com>`');
  });

  it('escapes user-provided names and subjects: they read as written, and nothing else happens', () => {
    const md = renderPlanMarkdown(stepMovesPlan());
    const root = parseMarkdown(md);
    const changes = tables(root).find((t) => plainText(t.children[0]!).includes('What changes'))!;
    const row = changes.children.find((r) => plainText(r.children[1]!) === 'segment eu-plus')!;
    expect(plainText(row.children[2]!)).toBe(HOSTILE.replace('\n', ' '));
    const kinds = new Set<string>();
    const htmlTags = new Set<string>();
    visit(root, (node) => {
      kinds.add(node.type);
      if (node.type === 'html') htmlTags.add(node.value.replace(/\s[\s\S]*$/, '').replace(/>.*$/s, '>'));
    });
    expect(kinds.has('link')).toBe(false);
    expect(kinds.has('emphasis')).toBe(false);
    expect([...htmlTags].sort()).toEqual(['</details>', '<!--', '<details>', '<sub>', '</sub>'].sort());
    // The subject sits in a fenced block that a run of backticks cannot close.
    expect(md).toContain('+ subject: "Q4 | <b>promo</b> **now** _x_ [click](https://evil.example) `tick` @sales-team #12 & </details>\\nline two"');
  });

  it('shows where a long condition changes, even past the length a value is cut at', () => {
    const countries = Array.from({ length: 40 }, (_, i) => `C${i}`);
    const v1 = program({ segments: [segment('wide', inCountries(...countries, 'FR'))] });
    const v2 = program({ segments: [segment('wide', inCountries(...countries, 'DE'))] });
    const md = renderPlanMarkdown(planChanges({ next: v2, store: deploy(store(null), v1), now: NOW }).plan);
    const before = md.split('\n').find((line) => line.startsWith('- where: '));
    const after = md.split('\n').find((line) => line.startsWith('+ where: '));
    expect(before).toContain('"FR"]');
    expect(after).toContain('"DE"]');
  });

  it('says so when nothing changes', () => {
    const p = program({ segments: [segment('eu', inCountries('FR'))] });
    const data = deploy(store(null), p);
    const md = renderPlanMarkdown(planChanges({ next: p, store: data, now: NOW }).plan);
    expect(md).toBe(`${PLAN_COMMENT_MARKER}\n<!-- program ${hashProgram(p)} deployed ${hashProgram(p)} -->\n### campaignkit plan: no changes\n\nThe deployed program matches the workspace (\`${hashProgram(p).slice(0, 12)}\`). Applying would change nothing.\n`);
    // Warnings still show (e.g. events no run has processed).
    const warned = renderPlanMarkdown(planChanges({ next: p, store: data, now: NOW, unprocessedEvents: 3 }).plan);
    expect(warned).toContain('### campaignkit plan: no changes');
    expect(warned).toMatch(/> \[!WARNING\]\n> \*\*Review before applying:\*\*\n>\n> - The journal holds 3 events that no run has processed yet/);
    expectWellFormed(warned);
  });

  it(`stays under GitHub's ${GITHUB_COMMENT_LIMIT} characters on a 200-entity change, saying what was shortened`, () => {
    const plan = bigPlan(200);
    expect(plan.changes.length).toBeGreaterThanOrEqual(200);
    const md = renderPlanMarkdown(plan);
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md).toContain('> [!NOTE]');
    expect(md).toMatch(/This comment is shortened to stay under GitHub's 65,536-character limit: the field-level diffs \(\d+ of 2\d\d entities shown\)/);
    expect(md).toContain('`campaign plan --out plan.json`');
    expect(md).toMatch(/_…and \d+ more entities, left out to fit the comment: see the full plan\._/);
    // The impact and the warnings come first: they are whole.
    expect(md).toContain('> [!WARNING]');
    expectWellFormed(md);
    // A smaller budget cuts the tables too, and the result is still well formed.
    const small = renderPlanMarkdown(plan, { maxLength: 12_000 });
    expect(small.length).toBeLessThanOrEqual(12_000);
    expect(small).toMatch(/the table of changes \(\d+ of 2\d\d entities shown\)/);
    expectWellFormed(small);
  });

  it('keeps the diffs of changed entities when shortened, and folds many new segments nobody is in into one row (QA: 300 new segments left one diff, of a new segment)', () => {
    const countries = ['FR', 'DE', 'BE', 'NL'];
    const contacts = Array.from({ length: 40 }, (_, i) => contact(`c${String(i).padStart(2, '0')}`, { country: countries[i % 4], plan: 'trial' }));
    const journey = (days: string) => campaign('nurture', [send('welcome', 'welcome-email'), wait('cool-off', days), send('last', 'last-email')]);
    const v1 = program({ segments: [segment('eu', inCountries('FR', 'DE'))], campaigns: [journey('10d')] });
    const fresh = Array.from({ length: 300 }, (_, i) => segment(`gen-seg-${i}`, inCountries('XX'), { name: `Generated segment ${i} with a long name to fill the comment ${'x'.repeat(150)}` }));
    const v2 = program({ segments: [segment('eu', inCountries('FR', 'DE', 'BE')), ...fresh], campaigns: [journey('3d')] });
    const base = deploy(store(null, { contacts }), v1);
    const plan = planChanges({ next: v2, store: { ...base, enrollments: [enrollment('nurture', 'c00', 'cool-off')] }, now: NOW }).plan;
    const md = renderPlanMarkdown(plan);
    expect(md).toMatch(/This comment is shortened .*: the new entities in the table of changes \(\d+ of 300 entities shown\), the field-level diffs of new entities \(0 of 300 entities shown\)\./);
    expectWellFormed(md);
    // The two changes to what is deployed are listed, and diffed, first.
    expect(md).toContain('**~ segment `eu`**');
    expect(md).toContain('**~ campaign `nurture`**');
    expect(md).toContain('+ steps.cool-off.duration: "3d"');
    const segmentsTable = tables(parseMarkdown(md)).find((t) => plainText(t.children[0]!).startsWith('SegmentDefinition'))!;
    const rows = segmentsTable.children.slice(1).map((row) => row.children.map(plainText));
    expect(rows).toEqual([
      ['eu', 'changed', '20', '30', '+10', '0', expect.any(String)],
      ['300 new segments with no members yet', 'new', 'new', '0', '—', '—', 'gen-seg-0, gen-seg-1, gen-seg-2, gen-seg-3, gen-seg-4, …'],
    ]);
  });
});

describe('Markdown escaping', () => {
  it('escapes text, code spans and table cells', () => {
    expect(mdText('a*b_c [x](y) <i> & @bob #1\nz')).toBe('a\\*b\\_c \\[x\\](y) &lt;i&gt; &amp; @<!-- -->bob \\#1 z');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(cell('`a|b`')).toBe('`a\\|b`');
  });
});

/** A change to `entities` entities with long fields, on contacts who move between segments and steps. */
export function bigPlan(entities: number): Plan {
  const countries = ['FR', 'DE', 'BE', 'NL', 'IT', 'ES', 'PT', 'US'];
  const segmentsOf = (shift: number): Segment[] =>
    Array.from({ length: entities / 4 }, (_, i) => segment(`segment-${String(i).padStart(3, '0')}`, inCountries(...countries.slice((i + shift) % 4, ((i + shift) % 4) + 3)), { name: `Segment number ${i} with a rather descriptive name` }));
  const campaignsOf = (version: number): Campaign[] =>
    Array.from({ length: entities / 4 }, (_, i) => {
      const steps = [send('welcome', `template-${i}`), wait('cool-off', `${version + 1}d`), send(version === 1 ? 'tips' : 'follow-up', `template-${i}`), wait('pause', `${version + 2}d`), send('last', `template-${i}`)];
      return campaign(`campaign-${String(i).padStart(3, '0')}`, steps, version === 1 ? {} : { stepMoves: [{ from: 'tips', to: 'follow-up' }] });
    });
  const templatesOf = (version: number): Template[] =>
    Array.from({ length: entities / 4 }, (_, i) => template(`template-${i}`, `Subject ${i} v${version}`, { text: `Version ${version}. ${'A long paragraph of email copy that goes on. '.repeat(8)}` }));
  const scoresOf = (points: number) => Array.from({ length: entities / 4 }, (_, i) => score(`score-${String(i).padStart(3, '0')}`, { rules: [{ id: 'download', type: 'event', event: 'asset.downloaded', points }] }));
  const v1 = program({ segments: segmentsOf(0), campaigns: campaignsOf(1), templates: templatesOf(1), scores: scoresOf(10) });
  const v2 = program({ segments: segmentsOf(1), campaigns: campaignsOf(2), templates: templatesOf(2), scores: scoresOf(20) });
  const contacts = Array.from({ length: 400 }, (_, i) => contact(`c${String(i).padStart(4, '0')}`, { country: countries[i % countries.length], plan: 'trial' }));
  const base = deploy(store(null, { contacts }), v1);
  const enrollments = v1.campaigns.flatMap((c, i) => [enrollment(c.id, contacts[i]!.id, 'tips'), enrollment(c.id, contacts[i + 100]!.id, 'cool-off')]);
  return planChanges({ next: v2, store: { ...base, enrollments }, now: NOW }).plan;
}
