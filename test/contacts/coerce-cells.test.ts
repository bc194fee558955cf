import { describe, expect, it } from 'vitest';
import { coerceCells } from '../../src/contacts/coerce-cells.ts';
import type { FieldType } from '../../src/ir/types.ts';

const schema: Record<string, FieldType> = {
  n: { kind: 'number', optional: true },
  i: { kind: 'integer', optional: true },
  b: { kind: 'boolean', optional: true },
  list: { kind: 'array', optional: true, items: { kind: 'integer', optional: false } },
  s: { kind: 'string', optional: true },
  meta: { kind: 'unknown', optional: true },
};

describe('coerceCells', () => {
  it('turns CSV strings into the field kinds', () => {
    expect(coerceCells({ n: ' 1.5e3 ', i: '-4', b: 'YES', list: '1; 2;;3', s: ' keep ', meta: '{"a":[1]}' }, schema)).toEqual({
      values: { n: 1500, i: -4, b: true, list: [1, 2, 3], s: ' keep ', meta: { a: [1] } },
      errors: [],
      failed: new Set(),
    });
    expect(coerceCells({ b: '0', meta: 'plain' }, schema).values).toEqual({ b: false, meta: 'plain' });
  });

  it('reports cells that do not fit, and keeps their text', () => {
    const result = coerceCells({ n: '1,5', b: 'maybe', list: '1;x', meta: '{"__proto__":{}}' }, schema);
    expect(result.errors).toEqual([
      '"n": "1,5" is not a number',
      '"b": "maybe" is not a yes/no value (use true/false, yes/no or 1/0)',
      '"list": "x" is not a number',
      '"meta": a key "__proto__", "constructor" or "prototype" is not allowed',
    ]);
    expect([...result.failed]).toEqual(['n', 'b', 'list', 'meta']);
    expect(result.values.n).toBe('1,5');
  });

  it('refuses a JSON cell nested deeper than 64 levels (the store could not write it: QA f3)', () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    expect(coerceCells({ meta: deep }, schema).errors).toEqual(['"meta": nests deeper than 64 levels of objects and arrays; flatten it']);
    expect(coerceCells({ meta: `${'['.repeat(64)}${']'.repeat(64)}` }, schema).errors).toEqual([]);
  });

  it('skips the keys it is told to', () => {
    expect(coerceCells({ id: 'x', n: '1' }, schema, new Set(['id'])).values).toEqual({ n: 1 });
  });
});
