import { programReferences } from '../../ir/references.ts';
import { closestName } from '../../text/closest.ts';
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
      const kind = ref.kind === 'grades' ? 'grade matrix' : ref.kind;
      // With a "did you mean" when a defined id is close (a typo in an id written as text).
      // The id of another kind of definition (a template where a segment is expected): an import
      // swapped, or an id written as text that names something else (QA: "Import the segment object"
      // to an author who had imported one). Which of the two, the IR cannot tell.
      const unknown = (code: 'CK101' | 'CK102' | 'CK103' | 'CK104' | 'CK105', known: Iterable<string>) => {
        const other = code === 'CK105' ? undefined : otherKind(ref.id, kind, ids);
        report(diagnostic(code, { kind, id: ref.id, owner, suggestion: closestName(ref.id, known), ...(other ? { other } : {}) }, site));
      };
      const unknownRecipient = (recipient: 'team' | 'webhook endpoint', known: Iterable<string>) =>
        report(diagnostic('CK125', { owner, kind: recipient, id: ref.id, suggestion: closestName(ref.id, known) }, site));
      switch (ref.kind) {
        case 'segment':
          if (!ids.segments.has(ref.id)) unknown('CK101', ids.segments);
          break;
        case 'template':
          if (!ids.templates.has(ref.id)) unknown('CK102', ids.templates);
          break;
        case 'score':
          if (!ids.scores.has(ref.id)) unknown('CK103', ids.scores);
          break;
        case 'grades':
          if (!ids.grades.has(ref.id)) unknown('CK103', ids.grades);
          break;
        case 'campaign':
          if (!ids.campaigns.has(ref.id)) unknown('CK104', ids.campaigns);
          break;
        case 'event':
          if (!(ref.id in program.schema.events)) unknown('CK105', Object.keys(program.schema.events));
          break;
        case 'team':
          if (!(ref.id in program.settings.teams)) unknownRecipient('team', Object.keys(program.settings.teams));
          break;
        case 'webhook':
          if (!(ref.id in program.settings.webhooks)) unknownRecipient('webhook endpoint', Object.keys(program.settings.webhooks));
          break;
      }
    }
  },
};

/** The kind of definition other than `kind` that has the id `id` (a segment, template, score, grade matrix, campaign). */
function otherKind(id: string, kind: string, ids: Parameters<Rule['check']>[0]['ids']): string | undefined {
  const kinds: [string, ReadonlySet<string>][] = [['segment', ids.segments], ['template', ids.templates], ['score', ids.scores], ['grade matrix', ids.grades], ['campaign', ids.campaigns]];
  return kinds.find(([name, set]) => name !== kind && set.has(id))?.[0];
}
