import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { CATALOGUE } from '../../src/compiler/messages.ts';
import { DIAGNOSTICS_FORMAT_VERSION } from '../../src/render/diagnostics-json.ts';
import { DOC_PATH, ROOT, renderDiagnosticsDoc } from '../../scripts/diagnostics-doc.ts';
import { fixtureDir } from '../compiler/fixture-harness.ts';

describe('docs/diagnostics.md', () => {
  it('is up to date with the catalogue and the fixture snapshots (run `npm run docs:diagnostics`)', () => {
    expect(readFileSync(DOC_PATH, 'utf8')).toBe(renderDiagnosticsDoc());
  });

  it('documents every code with a real example and what to do', () => {
    const doc = renderDiagnosticsDoc();
    for (const [code, item] of Object.entries(CATALOGUE)) {
      const section = doc.slice(doc.indexOf(`## ${code} ${item.rule}`));
      expect(section.indexOf('\n## ', 1) > 0 ? section.slice(0, section.indexOf('\n## ', 1)) : section, code).toMatch(
        new RegExp(`\`\`\`text\\n\\S+:\\d+:\\d+ - ${item.severity} ${code}: [^\\n]+\\n  hint: [^\\n]+\\n\`\`\`\\n\\n\\*\\*How to fix:\\*\\* `),
      );
    }
  });
});

describe('docs/diagnostics-json.md', () => {
  it('shows what `campaign validate --format json` prints', async () => {
    const doc = readFileSync(path.join(ROOT, 'docs/diagnostics-json.md'), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    const chunks: string[] = [];
    const stdout = new Writable({ write: (chunk, _encoding, done) => (chunks.push(String(chunk)), done()) });
    const code = await main({
      argv: ['validate', '--format', 'json', '--no-typecheck'],
      cwd: fixtureDir('errors', 'CK102-unknown-template'),
      env: {},
      stdin: new PassThrough(),
      stdout,
      stderr: new PassThrough(),
    });
    expect(code).toBe(1);
    expect(JSON.parse(example!)).toEqual(JSON.parse(chunks.join('')));
    expect(doc).toContain(`| \`formatVersion\` | \`${DIAGNOSTICS_FORMAT_VERSION}\` |`);
  });
});
