import { diagnostic } from '../messages.ts';
import type { Rule } from './rule.ts';

/**
 * CK113 / CK133: thresholds listed in ascending order, each crossable between floor and cap; the
 * value of every `onScore` trigger too.
 */
export const thresholds: Rule = {
  name: 'thresholds',
  check({ program, report }) {
    const models = new Map(program.scores.map((score) => [score.id, score]));
    for (const campaign of program.campaigns) {
      const trigger = campaign.trigger;
      const score = trigger?.type === 'score' ? models.get(trigger.score) : undefined;
      if (trigger?.type !== 'score' || !score) continue;
      const at = trigger.crosses;
      const bound = score.cap !== undefined && at > score.cap ? `the cap is ${score.cap}` : at <= score.floor ? `the floor is ${score.floor}` : null;
      if (bound) report(diagnostic('CK133', { score: score.id, campaign: campaign.id, at, bound }, { entity: `campaign:${campaign.id}`, property: 'trigger' }));
    }
    for (const score of program.scores) {
      const entity = `score:${score.id}`;
      score.thresholds.forEach((threshold, index) => {
        const previous = score.thresholds[index - 1];
        if (previous && threshold.at <= previous.at) {
          report(
            diagnostic(
              'CK113',
              { score: score.id, detail: `"${threshold.id}" at ${threshold.at} comes after "${previous.id}" at ${previous.at}` },
              { entity, threshold: threshold.id },
            ),
          );
        }
        if (score.cap !== undefined && threshold.at > score.cap) {
          report(diagnostic('CK133', { score: score.id, threshold: threshold.id, at: threshold.at, bound: `the cap is ${score.cap}` }, { entity, threshold: threshold.id }));
        } else if (threshold.at <= score.floor) {
          report(diagnostic('CK133', { score: score.id, threshold: threshold.id, at: threshold.at, bound: `the floor is ${score.floor}` }, { entity, threshold: threshold.id }));
        }
      });
    }
  },
};

/** CK127: grade axes with duplicate band names or minimums. */
export const gradeBands: Rule = {
  name: 'grade-bands',
  check({ program, report }) {
    for (const grades of program.grades) {
      for (const axis of ['fit', 'engagement'] as const) {
        const { bands } = grades[axis];
        const names = new Set(bands.map((b) => b.grade));
        const mins = new Set(bands.map((b) => b.min));
        if (names.size !== bands.length) {
          report(diagnostic('CK127', { grades: grades.id, detail: `the ${axis} axis repeats a band name` }, { entity: `grades:${grades.id}`, property: axis }));
        } else if (mins.size !== bands.length) {
          report(diagnostic('CK127', { grades: grades.id, detail: `two ${axis} bands start at the same value` }, { entity: `grades:${grades.id}`, property: axis }));
        }
      }
    }
  },
};
