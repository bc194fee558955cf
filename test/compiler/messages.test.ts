import { describe, expect, it } from 'vitest';
import { CATALOGUE, diagnostic } from '../../src/compiler/messages.ts';

describe('the catalogue', () => {
  it('has unique kebab-case rule names and loading/rule code ranges', () => {
    const entries = Object.entries(CATALOGUE);
    const rules = entries.map(([, item]) => item.rule);
    expect(new Set(rules).size).toBe(rules.length);
    for (const [code, item] of entries) {
      expect(code).toMatch(/^CK(00[1-9]|010|1\d\d)$/);
      expect(item.rule, code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(item.about, code).toMatch(/\.$/);
    }
  });

  it('builds diagnostics from the catalogue', () => {
    expect(diagnostic('CK124', { campaign: 'todo' }, { entity: 'campaign:todo', property: 'steps' })).toEqual({
      code: 'CK124',
      severity: 'error',
      rule: 'empty-journey',
      message: 'Campaign "todo" has no steps.',
      hint: 'Add at least one step.',
      site: { entity: 'campaign:todo', property: 'steps' },
    });
  });

  it('says where builders come from when the workspace config does not export one (QA newcomer)', () => {
    expect(diagnostic('CK004', { error: 'No matching export in "campaign.config.ts" for import "onDate"' }, {}).hint).toContain('add it to the names of `export const { … } = defineWorkspace(…)` in campaign.config.ts');
    expect(diagnostic('CK004', { error: 'Could not resolve "./countries"' }, {}).hint).toMatch(/^Fix the syntax or the import path/);
    // Not a builder at all: adding it to the config would be a second error (QA recheck9).
    expect(diagnostic('CK004', { error: 'No matching export in "campaign.config.ts" for import "waitFor"' }, {}).hint).toMatch(/^"waitFor" is not a builder of campaignkit\. docs\/dsl\.md/);
    expect(diagnostic('CK004', { error: 'No matching export in "campaign.config.ts" for import "onSegmentEntryy"' }, {}).hint).toBe('"onSegmentEntryy" is not a builder of campaignkit: did you mean "onSegmentEntry"? docs/dsl.md lists them all; those campaign.config.ts takes from defineWorkspace can be imported from it.');
  });
});
