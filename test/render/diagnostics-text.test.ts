import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/compiler/diagnostics.ts';
import { colors } from '../../src/render/colors.ts';
import { renderDiagnosticsText, summarizeDiagnostics } from '../../src/render/diagnostics-text.ts';

const plain = colors(false);

function at(line: number, column: number, endLine: number, endColumn: number): Diagnostic['range'] {
  return { start: { line, column, offset: 0 }, end: { line: endLine, column: endColumn, offset: 0 } };
}

const base: Diagnostic = { code: 'CK109', severity: 'error', message: 'Step "x" is unreachable.', hint: 'Remove it.', file: 'j.ts' };

describe('renderDiagnosticsText', () => {
  it('prints location, code, message, hint and a code frame with the previous line', () => {
    const source = 'steps: [\n  exit("stop"),\n  tag("x", "y"),\n];\n';
    expect(renderDiagnosticsText([{ ...base, range: at(3, 3, 3, 16) }], () => source, plain)).toBe(
      ['j.ts:3:3 - error CK109: Step "x" is unreachable.', '  hint: Remove it.', '', '  2 |   exit("stop"),', '  3 |   tag("x", "y"),', '    |   ^^^^^^^^^^^^^', ''].join('\n'),
    );
  });

  it('underlines to the end of the line when the range spans lines, at most 80 columns', () => {
    const long = `x(${'a'.repeat(200)}`;
    const out = renderDiagnosticsText([{ ...base, range: at(1, 1, 3, 1) }], () => `${long}\n)\n`, plain);
    expect(out).toContain(`    | ${'^'.repeat(80)}\n`);
    const short = renderDiagnosticsText([{ ...base, range: at(1, 3, 2, 2) }], () => 'a(bcd\n)\n', plain);
    expect(short).toContain('  1 | a(bcd\n    |   ^^^\n');
  });

  it('keeps tabs under the marker and drops carriage returns', () => {
    const out = renderDiagnosticsText([{ ...base, range: at(2, 3, 2, 6) }], () => 'a\r\n\t\tbad();\r\n', plain);
    expect(out).toContain('  2 | \t\tbad();\n    | \t\t^^^\n');
    expect(out).not.toContain('\r');
  });

  it('prints no frame when the source cannot be read or the line does not exist, and no location without a file', () => {
    expect(renderDiagnosticsText([{ ...base, range: at(1, 1, 1, 2) }], () => undefined, plain)).toBe(
      'j.ts:1:1 - error CK109: Step "x" is unreachable.\n  hint: Remove it.\n',
    );
    expect(renderDiagnosticsText([{ ...base, range: at(9, 1, 9, 2) }], () => 'one line', plain)).not.toContain(' | ');
    const { file: _file, ...noFile } = base;
    expect(renderDiagnosticsText([{ ...noFile, severity: 'warning' }], () => undefined, plain)).toBe(
      'warning CK109: Step "x" is unreachable.\n  hint: Remove it.\n',
    );
  });

  it('colours only when asked', () => {
    const coloured = renderDiagnosticsText([{ ...base, range: at(1, 1, 1, 2) }], () => 'x', colors(true));
    expect(coloured).toContain('\u001b[');
    expect(renderDiagnosticsText([{ ...base, range: at(1, 1, 1, 2) }], () => 'x', plain)).not.toContain('\u001b[');
  });
});

describe('summarizeDiagnostics', () => {
  const warning: Diagnostic = { ...base, severity: 'warning' };
  it('counts errors, warnings and modules with plurals', () => {
    expect(summarizeDiagnostics([], 1, plain)).toBe('✔ 1 module valid.');
    expect(summarizeDiagnostics([warning, warning], 3, plain)).toBe('✔ 3 modules valid, 2 warnings.');
    expect(summarizeDiagnostics([base, warning], 2, plain)).toBe('✖ 1 error, 1 warning in 2 modules.');
    expect(summarizeDiagnostics([base, base], 1, plain)).toBe('✖ 2 errors in 1 module.');
  });
});
