import { forEachStep } from '../../ir/walk.ts';
import { diagnostic } from '../messages.ts';
import type { Site } from '../diagnostics.ts';
import { terminalSafe } from '../../text/terminal-safe.ts';
import { describeSite, type Rule } from './rule.ts';

// C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/** CK140: an entity's name, a step's label or a scoring rule's id holds a control character. */
export const controlCharacters: Rule = {
  name: 'control-character',
  check({ program, report }) {
    const check = (text: string | undefined, owner: string, what: string, site: Site) => {
      const found = text === undefined ? null : CONTROL.exec(text);
      if (!found) return;
      report(diagnostic('CK140', { owner, what, text: terminalSafe(text!), char: terminalSafe(found[0]) }, site));
    };
    for (const entity of [...program.segments, ...program.scores, ...program.grades, ...program.campaigns]) {
      const key = `${entity.type}:${entity.id}`;
      check(entity.name, describeSite(key), 'name', { entity: key, property: 'name' });
    }
    for (const score of program.scores) {
      const key = `score:${score.id}`;
      for (const rule of score.rules) check(rule.id, describeSite(key), 'scoring rule id', { entity: key, scoreRule: rule.id });
    }
    for (const campaign of program.campaigns) {
      const key = `campaign:${campaign.id}`;
      forEachStep(campaign.steps, ({ step }) => check(step.label, describeSite(key, `step:${step.id}`), 'label', { entity: key, step: step.id, property: 'label' }));
    }
  },
};
