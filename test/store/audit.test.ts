import { describe, expect, it } from 'vitest';
import { auditId, auditIds } from '../../src/store/audit.ts';
import { contactIdForEmail } from '../../src/store/suppression.ts';

describe('audit ids', () => {
  it('never names an address: an id that is one is written as the id an import derives from it (QA: the log kept it after an erasure)', () => {
    expect(auditId('c_000009')).toBe('c_000009');
    expect(auditId('David.Campbell@smithjones.example')).toBe(contactIdForEmail('david.campbell@smithjones.example'));
    expect(auditIds(['a', 'b@c.example', 'd'], 2)).toBe(`a, ${contactIdForEmail('b@c.example')} and 1 more`);
    expect(auditIds(['a', 'b'], 20, (named, id) => `${named} (${id.length})`)).toBe('a (1), b (1)');
    expect(auditIds(Array.from({ length: 30 }, (_, i) => `c${i}`), Infinity).split(', ')).toHaveLength(30);
  });
});
