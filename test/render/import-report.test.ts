import { describe, expect, it } from 'vitest';
import { colors } from '../../src/render/colors.ts';
import { renderImportChanges } from '../../src/render/import-report.ts';

describe('renderImportChanges', () => {
  it('shows a new contact\'s address with its control characters escaped (a schema typing it z.string() lets them in)', () => {
    const lines = renderImportChanges([{ kind: 'create', contact: { id: 'c1', fields: { email: 'v@x.example\r\u001b[2K+ c2 ok\u001b[8m' } } as never }], 'email', colors(false));
    expect(lines).toEqual(['+ c1 v@x.example\\r\\u001B[2K+ c2 ok\\u001B[8m']);
  });
});
