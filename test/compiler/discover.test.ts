import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverModules } from '../../src/compiler/discover.ts';
import { UserError } from '../../src/errors.ts';

describe('discoverModules', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'campaignkit-discover-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (file: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), 'export {};\n');
  };

  it('finds .ts, .mts and .tsx modules, not tests, declarations, hidden or skipped folders', () => {
    for (const file of ['campaign.config.ts', 'a.ts', 'b.mts', 'c.tsx', 'x.test.ts', 'y.spec.tsx', 'z.test.mts', 'w.spec.mts', 't.d.ts', 'u.d.mts', 'notes.md', '.hidden/h.ts', 'node_modules/n.ts', 'sub/s.ts']) write(file);
    expect(discoverModules(dir).map((file) => path.relative(dir, file))).toEqual(['a.ts', 'b.mts', 'c.tsx', 'campaign.config.ts', path.join('sub', 's.ts')]);
  });

  it('names a broken symbolic link and its target instead of failing on it', () => {
    write('a.ts');
    mkdirSync(path.join(dir, 'segments'));
    symlinkSync('/nonexistent/file.ts', path.join(dir, 'segments/broken.ts'));
    expect(() => discoverModules(dir)).toThrow(UserError);
    expect(() => discoverModules(dir)).toThrow(/segments\/broken\.ts is a symbolic link to \/nonexistent\/file\.ts, which cannot be read \(ENOENT\): fix its target or remove the link\.$/);
  });
});
