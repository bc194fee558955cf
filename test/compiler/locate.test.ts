import { describe, expect, it } from 'vitest';
import type { Site } from '../../src/compiler/diagnostics.ts';
import { SourceLocator } from '../../src/compiler/locate.ts';

/** Where a site resolves, as `file:line:column` of its start and the text it spans. */
function locator(files: Record<string, string>) {
  const loc = new SourceLocator(Object.keys(files), (file) => files[file]!);
  return (site: Site, fallback?: string, ruleIndex?: number) => {
    const span = loc.locate(site, fallback, ruleIndex);
    if (!span) return null;
    const { line, column } = loc.position(span.file, span.start);
    return `${span.file}:${line}:${column} ${files[span.file]!.slice(span.start, span.end)}`;
  };
}

const config = [
  "export const { segment } = defineWorkspace({",
  "  contact: z.object({ email: z.email(), timezone: z.string(), tags: z.array(z.string()) }),",
  "  events: { 'trial.started': z.object({}), 'demo.requested': z.string() },",
  "  timezone: 'Europe/Pariss',",
  "  webhooks: { crm: { url: 'x', timeout: 'soon' } },",
  '});',
].join('\n');

describe('SourceLocator', () => {
  it('finds workspace settings by property and key in the defineWorkspace call, not by text', () => {
    // a.ts sorts before the config and mentions "timezone:" too.
    const locate = locator({ '/w/a.ts': "const timezone: string = 'x';", '/w/campaign.config.ts': config });
    expect(locate({ entity: 'workspace', property: 'timezone' })).toBe("/w/campaign.config.ts:4:3 timezone: 'Europe/Pariss'");
    expect(locate({ entity: 'workspace', property: 'contact', key: 'tags' })).toBe('/w/campaign.config.ts:2:63 tags: z.array(z.string())');
    expect(locate({ entity: 'workspace', property: 'events', key: 'demo.requested' })).toBe("/w/campaign.config.ts:3:44 'demo.requested': z.string()");
    expect(locate({ entity: 'workspace', property: 'webhooks', key: 'crm' })).toBe("/w/campaign.config.ts:5:15 crm: { url: 'x', timeout: 'soon' }");
    // An unknown key falls back to the property.
    expect(locate({ entity: 'workspace', property: 'webhooks', key: 'hubspot' })).toMatch(/^\/w\/campaign\.config\.ts:5:3 webhooks:/);
  });

  it('follows a schema the config names to where it is written, in the module it is imported from', () => {
    const locate = locator({
      '/w/campaign.config.ts': [
        "import { contact } from './schemas/contact';",
        "import * as ev from './schemas';",
        'defineWorkspace({ contact, events: ev.events, webhooks: hooks });',
      ].join('\n'),
      '/w/schemas/index.ts': "export * from './events';",
      '/w/schemas/contact.ts': ['export const contact = z.object({', '  email: z.email(),', '  tags: z.array(z.string()),', '});'].join('\n'),
      '/w/schemas/events.ts': [
        "const product = { 'demo.requested': z.string() };",
        "const all = { ...product, 'trial.started': z.object({}) };",
        'export { all as events };',
      ].join('\n'),
    });
    expect(locate({ entity: 'workspace', property: 'contact', key: 'tags' })).toBe('/w/schemas/contact.ts:3:3 tags: z.array(z.string())');
    expect(locate({ entity: 'workspace', property: 'contact' })).toMatch(/^\/w\/schemas\/contact\.ts:1:14 contact = z\.object\(/);
    expect(locate({ entity: 'workspace', property: 'events', key: 'demo.requested' })).toBe("/w/schemas/events.ts:1:19 'demo.requested': z.string()");
    expect(locate({ entity: 'workspace', property: 'events', key: 'trial.started' })).toBe("/w/schemas/events.ts:2:27 'trial.started': z.object({})");
    // A name declared nowhere the locator can see: the property in the config.
    expect(locate({ entity: 'workspace', property: 'webhooks', key: 'crm' })).toBe('/w/campaign.config.ts:3:47 webhooks: hooks');
  });

  it('picks the n-th definition of a duplicated entity, step or threshold', () => {
    const locate = locator({
      '/w/x.ts': [
        "segment('s', { where: a });",
        "segment('s', { where: b });",
        "campaign('c', { steps: [wait('w', '1d'), branch('b', f, { yes: [wait('w', '2d')] })] });",
        "scoring('e', { thresholds: [{ id: 'mql', at: 1 }, { id: 'mql', at: 2 }] });",
      ].join('\n'),
    });
    expect(locate({ entity: 'segment:s', occurrence: 1 })).toBe("/w/x.ts:2:1 segment('s', { where: b })");
    expect(locate({ entity: 'segment:s', property: 'where', occurrence: 1 })).toBe('/w/x.ts:2:16 where: b');
    expect(locate({ entity: 'campaign:c', step: 'w' })).toBe("/w/x.ts:3:25 wait('w', '1d')");
    expect(locate({ entity: 'campaign:c', step: 'w', occurrence: 1 })).toBe("/w/x.ts:3:65 wait('w', '2d')");
    expect(locate({ entity: 'score:e', threshold: 'mql', occurrence: 1 })).toBe("/w/x.ts:4:51 { id: 'mql', at: 2 }");
  });

  it('finds a step built outside its campaign, and prefers the one inside', () => {
    const locate = locator({
      '/w/x.ts': ["const hello = send('hello', t);", "campaign('a', { steps: [hello] });", "campaign('b', { steps: [send('hello', u)] });"].join('\n'),
    });
    expect(locate({ entity: 'campaign:a', step: 'hello' })).toBe("/w/x.ts:1:15 send('hello', t)");
    expect(locate({ entity: 'campaign:b', step: 'hello' })).toBe("/w/x.ts:3:25 send('hello', u)");
  });

  it('finds a scoring rule by its index in rules, whatever its id', () => {
    const locate = locator({
      '/w/x.ts': ["scoring('e', {", '  rules: [', "    on('a').add(1),", "    profile((c) => c.x.gte(1), { id: 'p' }).add(2),", '  ],', '});'].join('\n'),
    });
    expect(locate({ entity: 'score:e', scoreRule: 'p' }, undefined, 1)).toBe("/w/x.ts:4:5 profile((c) => c.x.gte(1), { id: 'p' }).add(2)");
    expect(locate({ entity: 'score:e', scoreRule: 'a' })).toBe("/w/x.ts:3:5 on('a')");
  });

  it('finds the keys of a step property and template-literal ids', () => {
    const locate = locator({
      '/w/x.ts': ['campaign(`c`, {', '  removedSteps: {', "    'old-step': 'exit',", '  },', "  steps: [split('s', { a: { weight: 1 } })],", '});'].join('\n'),
    });
    expect(locate({ entity: 'campaign:c', property: 'removedSteps', key: 'old-step' })).toBe("/w/x.ts:3:5 'old-step': 'exit'");
    expect(locate({ entity: 'campaign:c', step: 's', property: 'a' })).toBe('/w/x.ts:5:24 a: { weight: 1 }');
  });

  it('falls back to the start of the registering module, or to nothing', () => {
    const locate = locator({ '/w/x.ts': 'export default build(id);' });
    expect(locate({ entity: 'segment:dynamic' }, '/w/x.ts')).toBe('/w/x.ts:1:1 ');
    expect(locate({ entity: 'segment:dynamic' })).toBeNull();
  });

  it('finds an entity made by a helper function at the call of the helper, else at the builder call inside it', () => {
    const locate = locator({
      '/w/helpers.ts': ['export function mk(id: string, options: O) {', '  return email(id, { text: t, ...options });', '}'].join('\n'),
      '/w/tips.ts': [
        "const tip = (id: string, subject: string) => email(id, { subject, text: 'x' });",
        "export const a = tip('tip-1', 'First');",
        "export const b = mk('tip-2', { subject: 'Second' });",
        "export const c = ['tip-3'].map((id) => tip(id, 'More'));",
        "campaign('tips', { steps: [send('tip-1', a)] });", // a step named like the template is not it
      ].join('\n'),
    });
    expect(locate({ entity: 'template:tip-1' }, '/w/tips.ts')).toBe("/w/tips.ts:2:18 tip('tip-1', 'First')");
    expect(locate({ entity: 'template:tip-2' }, '/w/tips.ts')).toBe("/w/tips.ts:3:18 mk('tip-2', { subject: 'Second' })");
    expect(locate({ entity: 'template:tip-2', property: 'subject' }, '/w/tips.ts')).toBe("/w/tips.ts:3:32 subject: 'Second'");
    // No call writes the id: the builder call of a helper, in the registering module first.
    expect(locate({ entity: 'template:tip-3' }, '/w/tips.ts')).toBe("/w/tips.ts:1:46 email(id, { subject, text: 'x' })");
    expect(locate({ entity: 'template:tip-3' }, '/w/helpers.ts')).toBe('/w/helpers.ts:2:10 email(id, { text: t, ...options })');
  });

  it('narrows to where the definition writes the mentioned field, event or value', () => {
    const locate = locator({
      '/w/x.ts': ["segment('s', {", '  where: (c) =>', '    c.all(', "      c.plan.eq('pro'),", "      c.inSegment('eu-trails'),", '      c.planned.exists(),', '    ),', '});'].join('\n'),
    });
    expect(locate({ entity: 'segment:s', property: 'where', mention: 'eu-trails' })).toBe("/w/x.ts:5:19 'eu-trails'");
    expect(locate({ entity: 'segment:s', property: 'where', mention: 'plan' })).toBe('/w/x.ts:4:9 plan');
    expect(locate({ entity: 'segment:s', property: 'where', mention: 'planned' })).toBe('/w/x.ts:6:9 planned');
    expect(locate({ entity: 'segment:s', property: 'where', mention: 'absent' })).toMatch(/^\/w\/x\.ts:2:3 where:/);
  });

  it('keeps known positions and their length', () => {
    const locate = locator({ '/w/x.ts': 'line one\nconst x = c.contry;\n' });
    expect(locate({ file: '/w/x.ts', line: 2, column: 13, length: 6 })).toBe('/w/x.ts:2:13 contry');
  });
});
