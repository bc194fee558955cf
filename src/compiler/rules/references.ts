import { programReferences } from '../../ir/references.ts';
import { diagnostic } from '../messages.ts';
import { describeSite, siteOf, type Rule } from './rule.ts';

/**
 * CK101–CK105, CK125: a reference to a segment, template, score, grade matrix, campaign, event,
 * team or webhook endpoint that does not exist.
 */
export const unknownReference: Rule = {
  name: 'unknown-reference',
  check({ program, ids, report }) {
    for (const ref of programReferences(program)) {
      const owner = describeSite(ref.owner, ref.at);
      const site = { ...siteOf(ref.owner, ref.at), mention: ref.id };
      const params = { kind: ref.kind === 'grades' ? 'grade matrix' : ref.kind, id: ref.id, owner };
      switch (ref.kind) {
        case 'segment':
          if (!ids.segments.has(ref.id)) report(diagnostic('CK101', params, site));
          break;
        case 'template':
          if (!ids.templates.has(ref.id)) report(diagnostic('CK102', params, site));
          break;
        case 'score':
          if (!ids.scores.has(ref.id)) report(diagnostic('CK103', params, site));
          break;
        case 'grades':
          if (!ids.grades.has(ref.id)) report(diagnostic('CK103', params, site));
          break;
        case 'campaign':
          if (!ids.campaigns.has(ref.id)) report(diagnostic('CK104', params, site));
          break;
        case 'event':
          if (!(ref.id in program.schema.events)) report(diagnostic('CK105', params, site));
          break;
        case 'team':
          if (!(ref.id in program.settings.teams)) report(diagnostic('CK125', { owner, kind: 'team', id: ref.id }, site));
          break;
        case 'webhook':
          if (!(ref.id in program.settings.webhooks)) report(diagnostic('CK125', { owner, kind: 'webhook endpoint', id: ref.id }, site));
          break;
      }
    }
  },
};
