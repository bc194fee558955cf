import { describe, expect, it } from 'vitest';
import { ADDRESS_IN_TEXT, auditId, auditIds, auditText } from '../../src/store/audit.ts';
import { contactIdForEmail } from '../../src/store/suppression.ts';

describe('audit ids', () => {
  it('never names an address: an id that is one is written as the id an import derives from it (QA: the log kept it after an erasure)', () => {
    expect(auditId('c_000009')).toBe('c_000009');
    // Not the c_ id an import derives from it, which another contact may have (QA recheck7).
    expect(auditId('David.Campbell@smithjones.example')).toBe(`a_${contactIdForEmail('david.campbell@smithjones.example').slice(2)}`);
    expect(auditIds(['a', 'b@c.example', 'd'], 2)).toBe(`a, a_${contactIdForEmail('b@c.example').slice(2)} and 1 more`);
    expect(auditIds(['a', 'b'], 20, (named, id) => `${named} (${id.length})`)).toBe('a (1), b (1)');
    expect(auditIds(Array.from({ length: 30 }, (_, i) => `c${i}`), Infinity).split(', ')).toHaveLength(30);
  });

  it('finds addresses in free text, not times or booth numbers (QA: "2026-12-01@14.05" was refused as one)', () => {
    // Greedy: a file name that could be an address is replaced whole.
    expect(auditText('crm-export-bob@example.com.csv')).toBe('<address>');
    expect(auditText('from bob@example.com (CRM).csv')).toBe('from <address> (CRM).csv');
    expect(auditText('contacts.csv')).toBe('contacts.csv');
    for (const text of ['reply from Ryan.OBrien@cobalt-therapeutics.example: yes', 'mailto:ADA.L@EXAMPLE.COM', '«ada@exemple.fr»']) expect(ADDRESS_IN_TEXT.test(text), text).toBe(true);
    for (const text of ['double opt-in confirmed 2026-12-01@14.05 by phone', 'opted in again at booth A@B.2 (hall 3)', 'user@host']) expect(ADDRESS_IN_TEXT.test(text), text).toBe(false);
  });
});
