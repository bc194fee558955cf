import { compileProgram, evaluateContact } from '../../src/runtime/evaluate/snapshot.ts';
import { applyLogic, jsonLogicScoreRules, jsonLogicSegments, type LogicData } from '../baselines/json-logic.ts';
import { HAND_SEGMENT_IDS, handWrittenScores, handWrittenSegments } from '../baselines/hand-written.ts';
import { atMost, count, fasterBy, measure, peakRssMb, type CaseResult, type Measurement } from '../lib/harness.ts';
import { benchData, groupEvents, WINDOW } from '../lib/data.ts';
import type { Workload } from '../lib/workload.ts';
import { jsonLogicScores } from '../baselines/json-logic-scores.ts';
import type { Subject } from '../../src/runtime/evaluate/subject.ts';

/**
 * Segments and scoring over every contact at one instant (what `campaign plan` and the preview do):
 *
 * - scoring: re-score every contact from its event history (engagement: event rules with caps and
 *   decay; fit: profile rules; the lead grade);
 * - segments: the ten segments of the example for every contact, scores already known.
 *
 * Each against a hand-written loop and json-logic-js, on the same data in the same process; the
 * three must agree on every membership and score, or the case fails.
 */
export const segmentsWorkload: Workload = {
  name: 'segments',
  description: 'segments & scoring of every contact: compiled IR vs hand-written TypeScript vs json-logic-js',
  cases: (sizes) => sizes.contacts.map((contacts) => ({ workload: 'segments', label: `${count(contacts)} contacts`, params: { contacts, events: contacts * 3 } })),
  async run(spec, ctx) {
    const setupStarted = performance.now();
    const { contacts: n, events: eventCount } = spec.params as { contacts: number; events: number };
    const data = await benchData({ contacts: n, events: eventCount, seed: ctx.seed });
    const compiled = compileProgram(data.program);
    const byContact = groupEvents(data.events);
    const now = WINDOW.end;
    const all = new Set(compiled.scores.keys());
    const none: never[] = [];
    const history = data.contacts.map((c) => byContact.get(c.id) ?? none);
    const notes: string[] = [`${count(n)} contacts, ${count(data.events.length)} events, ${data.program.segments.length} segments, ${data.program.scores.length} scoring models`];
    const options = { runs: ctx.runs, budgetMs: ctx.budgetMs };
    const setupMs = performance.now() - setupStarted;

    // Scoring.
    const subjects: Subject[] = new Array(n);
    const scoring = await measure('campaignkit', () => {
      for (let i = 0; i < n; i++) subjects[i] = evaluateContact(compiled, data.contacts[i]!, history[i]!, now, { rescore: all }).subject;
    }, options, { count: n, unit: 'contacts' });
    const hand = new Array<ReturnType<typeof handWrittenScores>>(n);
    const scoringHand = await measure('hand-written loop', () => {
      for (let i = 0; i < n; i++) hand[i] = handWrittenScores(data.contacts[i]!.fields, history[i]!, now);
    }, options);
    const logicRules = jsonLogicScoreRules(data.program);
    const logic = new Array<Record<string, number>>(n);
    const scoringLogic = await measure('json-logic-js', () => {
      for (let i = 0; i < n; i++) logic[i] = jsonLogicScores(data.program, logicRules, data.contacts[i]!.fields, history[i]!, now);
    }, options);
    const scoreMismatch = compareScores(subjects, hand, logic);

    // Segments: the same subjects (with their scores) for all three.
    for (let i = 0; i < n; i++) {
      const s = subjects[i]!;
      (s as { times?: number[] }).times = history[i]!.map((e) => Date.parse(e.at));
    }
    const ids = compiled.segments.ids.slice().sort();
    if (ids.join() !== HAND_SEGMENT_IDS.join()) throw new Error(`The hand-written baseline covers ${HAND_SEGMENT_IDS.join(', ')}; the example now has ${ids.join(', ')}. Update bench/baselines/hand-written.ts.`);
    const k = ids.length;
    const ours = new Uint8Array(n * k);
    const segments = await measure('campaignkit', () => {
      for (let i = 0; i < n; i++) for (const id of compiled.segments.evaluate(subjects[i]!, now)) ours[i * k + ids.indexOf(id)] = 1;
    }, { ...options, before: () => void ours.fill(0) }, { count: n, unit: 'contacts' });
    const handOut = new Uint8Array(n * k);
    const row: boolean[] = new Array(k).fill(false);
    const segmentsHand = await measure('hand-written loop', () => {
      for (let i = 0; i < n; i++) {
        handWrittenSegments(subjects[i]!, now, row);
        for (let j = 0; j < k; j++) handOut[i * k + j] = row[j] ? 1 : 0;
      }
    }, options);
    const logicData: LogicData[] = subjects.map((s) => ({
      f: s.fields,
      tags: [...s.tags],
      segments: {},
      scores: s.scores,
      grades: s.grades,
      events: s.events,
      times: s.times!,
      items: s.events.map((e, i) => ({ event: e.event, t: s.times![i]!, data: e.data })),
      tz: s.tz,
      now,
    }));
    const runLogic = (segmentsOf: ReturnType<typeof jsonLogicSegments>, out: Uint8Array) => () => {
      for (let i = 0; i < n; i++) {
        segmentsOf.evaluate(logicData[i]!, row);
        for (let j = 0; j < k; j++) out[i * k + j] = row[j] ? 1 : 0;
      }
    };
    const logicOut = new Uint8Array(n * k);
    const segmentsLogic = await measure('json-logic-js', runLogic(jsonLogicSegments(data.program, { kind: 'pure', now }), logicOut), options);
    const nativeOut = new Uint8Array(n * k);
    const segmentsNative = await measure('json-logic-js, behaviour as a native op', runLogic(jsonLogicSegments(data.program, { kind: 'native' }), nativeOut), options);
    const segmentMismatch = compareMembership(ids, ours, handOut, logicOut, n) ?? compareMembership(ids, ours, handOut, nativeOut, n);
    const members = ids.map((id, j) => {
      let m = 0;
      for (let i = 0; i < n; i++) m += ours[i * k + j]!;
      return `${id} ${m}`;
    });
    notes.push(`members: ${members.join(', ')}`);

    const label = (m: Measurement, what: string): Measurement => ({ ...m, name: `${what}: ${m.name}` });
    const mismatch = scoreMismatch ?? segmentMismatch;
    if (mismatch) notes.push(`MISMATCH: ${mismatch}`);
    const result: CaseResult = {
      workload: 'segments',
      case: spec.label,
      params: spec.params,
      measurements: [
        label(scoring, 'scoring'), label(scoringHand, 'scoring'), label(scoringLogic, 'scoring'),
        label(segments, 'segments'), label(segmentsHand, 'segments'), label(segmentsLogic, 'segments'), label(segmentsNative, 'segments'),
      ],
      comparisons: [
        atMost('scoring: campaignkit / hand-written', scoring, scoringHand, 1.5),
        fasterBy('scoring: json-logic-js / campaignkit', scoring, scoringLogic, 15),
        atMost('segments: campaignkit / hand-written', segments, segmentsHand, 1.5),
        fasterBy('segments: json-logic-js / campaignkit', segments, segmentsLogic, 15),
        { ...fasterBy('segments: json-logic-js (native did) / campaignkit', segments, segmentsNative, 15), target: '', met: null },
      ],
      peakRssMb: peakRssMb(),
      setupMs,
      notes,
    };
    if (mismatch) result.comparisons.push({ label: 'the three agree on every contact', ratio: null, target: 'same results', met: false });
    return result;
  },
};

function compareScores(subjects: Subject[], hand: { engagement: number; fit: number; grade: string }[], logic: Record<string, number>[]): string | null {
  for (let i = 0; i < subjects.length; i++) {
    const s = subjects[i]!;
    const h = hand[i]!;
    const l = logic[i]!;
    const engagement = s.scores.engagement ?? 0;
    const fit = s.scores.fit ?? 0;
    // campaignkit rounds decayed points to 4 decimals at every step; the baselines decay in one go.
    if (Math.abs(engagement - h.engagement) > 0.01 || Math.abs(engagement - (l.engagement ?? 0)) > 0.01) return `contact ${s.id}: engagement ${engagement} (hand-written ${h.engagement}, json-logic ${l.engagement})`;
    if (fit !== h.fit || fit !== l.fit) return `contact ${s.id}: fit ${fit} (hand-written ${h.fit}, json-logic ${l.fit})`;
    const nearBoundary = [20, 50, 100].some((b) => Math.abs(engagement - b) <= 0.01);
    if (s.grades['lead-grade'] !== h.grade && !nearBoundary) return `contact ${s.id}: grade ${s.grades['lead-grade']} (hand-written ${h.grade})`;
  }
  return null;
}

function compareMembership(ids: string[], ours: Uint8Array, hand: Uint8Array, logic: Uint8Array, n: number): string | null {
  const k = ids.length;
  for (let i = 0; i < n * k; i++) {
    if (ours[i] !== hand[i] || ours[i] !== logic[i]) {
      return `contact #${Math.floor(i / k)} segment ${ids[i % k]}: campaignkit ${ours[i]}, hand-written ${hand[i]}, json-logic ${logic[i]}`;
    }
  }
  return null;
}
