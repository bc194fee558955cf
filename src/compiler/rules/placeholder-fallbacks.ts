import { parseTemplateText } from '../../ir/template-text.ts';
import type { Template } from '../../ir/types.ts';
import { diagnostic } from '../messages.ts';
import { sendContexts, type SendContext } from './known-fields.ts';
import { occurrences, type Rule } from './rule.ts';

/** The parts of a template, in the order a reader meets them, as diagnostics name them. */
const PARTS = [
  ['subject', 'subject'],
  ['preheader', 'preheader'],
  ['text', 'text'],
  ['html', 'HTML'],
] as const;

/** The first placeholder without a fallback for each field: the property and how it is written. */
function bareFields(template: Template): Map<string, { property: string; part: string; raw: string }> {
  const found = new Map<string, { property: string; part: string; raw: string }>();
  for (const [property, part] of PARTS) {
    const text = template[property];
    if (text === undefined) continue;
    for (const placeholder of parseTemplateText(text)) {
      if (placeholder.kind === 'field' && placeholder.fallback === undefined && !found.has(placeholder.field)) {
        found.set(placeholder.field, { property, part, raw: placeholder.raw });
      }
    }
  }
  return found;
}

/**
 * CK144 (warning): a template writes an optional contact field with no fallback, and a campaign
 * sends it to contacts that may not have the field (known-fields.ts says what is proven), or no
 * campaign sends it yet. The contact would read an empty text ("Your  workspace").
 */
export const placeholderFallbacks: Rule = {
  name: 'placeholder-fallbacks',
  check({ program, report }) {
    const sends = new Map<string, SendContext[]>();
    for (const send of sendContexts(program)) sends.set(send.template, [...(sends.get(send.template) ?? []), send]);
    const occurrence = occurrences();
    for (const template of program.templates) {
      const nth = occurrence(template.id);
      for (const [field, { property, part, raw }] of bareFields(template)) {
        if (program.schema.contact[field]?.optional !== true) continue;
        const sentBy = sends.get(template.id) ?? [];
        const unproven = sentBy.filter((send) => !send.known.has(field));
        if (sentBy.length > 0 && unproven.length === 0) continue;
        const first = unproven[0];
        const params = { template: template.id, field, raw, part, sends: unproven.length, ...(first ? { campaign: first.campaign, step: first.step } : {}) };
        report(diagnostic('CK144', params, { entity: `template:${template.id}`, property, mention: raw, occurrence: nth }));
      }
    }
  },
};
