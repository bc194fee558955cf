import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  malformedPlaceholders,
  parseTemplateText,
  placeholderFields,
  renderTemplateText,
} from '../../src/ir/template-text.ts';

describe('parseTemplateText', () => {
  it('splits text and placeholders, with offsets and fallbacks', () => {
    expect(parseTemplateText('Hi {{ firstName ?? "there" }}, see {{unsubscribeUrl}}.')).toEqual([
      { kind: 'text', text: 'Hi ' },
      { kind: 'field', field: 'firstName', fallback: 'there', raw: '{{ firstName ?? "there" }}', offset: 3 },
      { kind: 'text', text: ', see ' },
      { kind: 'field', field: 'unsubscribeUrl', fallback: undefined, raw: '{{unsubscribeUrl}}', offset: 35 },
      { kind: 'text', text: '.' },
    ]);
  });

  it('reads a fallback like a JSON string', () => {
    expect(parseTemplateText('{{a ?? "the \\"team\\""}}')[0]).toMatchObject({ fallback: 'the "team"' });
    expect(parseTemplateText('{{a ?? ""}}')[0]).toMatchObject({ fallback: '' });
    expect(parseTemplateText('{{a??"x"}}')[0]).toMatchObject({ fallback: 'x' });
  });

  it('keeps a fallback JSON does not accept instead of throwing', () => {
    expect(parseTemplateText('{{dir ?? "C:\\x"}}')[0]).toMatchObject({ kind: 'field', field: 'dir', fallback: 'C:x' });
  });

  it('leaves text without placeholders whole', () => {
    expect(parseTemplateText('No placeholders {here}.')).toEqual([{ kind: 'text', text: 'No placeholders {here}.' }]);
    expect(parseTemplateText('')).toEqual([]);
  });

  it('lists placeholder fields in order, and malformed placeholders', () => {
    expect(placeholderFields('{{a}} {{b ?? "x"}} {{a}}')).toEqual(['a', 'b', 'a']);
    expect(malformedPlaceholders('{{ first name }} {{ok}} {{x.y}} {{broken}')).toEqual(['{{ first name }}', '{{x.y}}', '{{broken}']);
    expect(malformedPlaceholders('{{firstName ?? "there"}}')).toEqual([]);
  });
});

describe('renderTemplateText', () => {
  const values = { firstName: 'Ada <admin>', company: 'R&D "Labs"', empty: '', none: null, seats: 12 };

  it('substitutes values as they are in text mode', () => {
    expect(renderTemplateText('Hi {{firstName}} of {{company}} ({{seats}} seats)', values, 'text')).toBe(
      'Hi Ada <admin> of R&D "Labs" (12 seats)',
    );
  });

  it('escapes substituted values, not the markup, in HTML mode', () => {
    expect(renderTemplateText('<p class="x">Hi {{firstName}}, {{company}}</p>', values, 'html')).toBe(
      '<p class="x">Hi Ada &lt;admin&gt;, R&amp;D &quot;Labs&quot;</p>',
    );
  });

  it('uses the fallback for missing, null and empty values, escaped in HTML', () => {
    const text = '{{missing ?? "<friend>"}}|{{none ?? "n"}}|{{empty ?? "e"}}|{{missing}}';
    expect(renderTemplateText(text, values, 'text')).toBe('<friend>|n|e|');
    expect(renderTemplateText(text, values, 'html')).toBe('&lt;friend&gt;|n|e|');
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML special characters', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
    expect(escapeHtml('plain')).toBe('plain');
  });
});
