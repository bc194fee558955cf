import { writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { writeStore } from '../../src/store/index.ts';
import { buildExampleStore } from '../helpers/example-store.ts';
import { EXAMPLE_WORKSPACE, tempDir } from '../helpers/run-cli.ts';

/** `campaign preview` without a person at a terminal prints a summary and never waits for input. */

let temp: { dir: string; cleanup: () => void };
let store: string;

beforeAll(async () => {
  temp = tempDir('campaignkit-preview-');
  store = path.join(temp.dir, 'store.json');
  const { data } = await buildExampleStore({ contacts: 40, events: 500 });
  await writeStore(store, data);
});

afterAll(() => temp.cleanup());

async function preview(argv: string[], options: { tty?: boolean; env?: Record<string, string> } = {}) {
  const tty = <T extends object>(stream: T) => Object.assign(stream, { isTTY: options.tty ?? false, columns: 100, rows: 30, setRawMode: () => undefined });
  const stdout = tty(new PassThrough());
  const stderr = new PassThrough();
  const chunks: string[] = [];
  const errors: string[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
  const code = await main({ argv: ['preview', ...argv], cwd: path.dirname(EXAMPLE_WORKSPACE), env: options.env ?? {}, stdin: tty(new PassThrough()), stdout, stderr });
  return { code, stdout: chunks.join(''), stderr: errors.join('') };
}

describe('campaign preview without a terminal', () => {
  it('prints the overview and the campaigns, segments and scores with their counts, and exits 0', async () => {
    const { code, stdout, stderr } = await preview(['--store', store]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('static summary');
    expect(stdout).toMatch(/Validation\s+✔ valid/);
    expect(stdout).toMatch(/Deployed\s+same as the workspace, nothing to apply · \S+ applied 2026-08-03 00:00Z by example/);
    expect(stdout).toMatch(/Counts\s+10 segments · 2 scores · 10 campaigns · \d+ templates · 40 contacts/);
    expect(stdout).toMatch(/trial-nurture\s+active\s+\d+\s+\d+\s+\d+\s+event trial\.started/);
    expect(stdout).toMatch(/ideal-customer-profile\s+\d+/);
    expect(stdout).toMatch(/engagement\s+[\d.]+\s+[\d.]+\s+mql ≥ 100: \d+, hot ≥ 150: \d+/);
    expect(stdout).not.toContain('\u001B[');
  });

  it('prints the summary on a terminal when CI is set', async () => {
    const { code, stdout } = await preview(['--store', store], { tty: true, env: { CI: 'true', NO_COLOR: '1' } });
    expect(code).toBe(0);
    expect(stdout).toContain('static summary');
  });

  it('says when there is no store yet', async () => {
    const { code, stdout } = await preview(['--store', path.join(temp.dir, 'missing.json')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Deployed\s+no store yet/);
    expect(stdout).toMatch(/40 contacts|0 contacts/);
  });

  it('says the store could not be read, not that there is none yet, and exits 1', async () => {
    const broken = path.join(temp.dir, 'broken.json');
    writeFileSync(broken, '{"format":"campaignkit-store","formatVersion":1,bad');
    const { code, stdout, stderr } = await preview(['--store', broken]);
    expect(stdout).toMatch(/Failed\s+The store "[^"]+broken.json" is not valid JSON \(line 1/);
    expect(stdout).not.toMatch(/no store yet|Showing|no valid workspace/);
    expect(stderr).toMatch(/^error: The store "[^"]+broken.json" is not valid JSON/);
    expect(code).toBe(1);
  });

  it('shows an error instead of contacts as of a --now before the store clock, and exits 1 (CI too)', async () => {
    const clocked = path.join(temp.dir, 'clocked.json');
    const { data } = await buildExampleStore({ contacts: 40, events: 500 });
    data.clock = '2026-12-31T00:00:00.000Z';
    await writeStore(clocked, data);
    for (const options of [{}, { tty: true, env: { CI: 'true', NO_COLOR: '1' } }]) {
      const { code, stdout, stderr } = await preview(['--store', clocked, '--now', '2026-12-30T00:00:00Z'], options);
      expect(stdout).toMatch(/Failed\s+--now is before the store's clock \(2026-12-31T00:00:00.000Z\)/);
      expect(stdout).not.toMatch(/\d+ contacts/);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^error: --now is before the store's clock \(2026-12-31T00:00:00.000Z\)[^\n]*\n$/);
    }
  });

  it('exits 1 for a workspace with errors, while it shows the deployed program', async () => {
    const { code, stdout, stderr } = await preview(['--store', store, '--workspace', path.resolve(import.meta.dirname, 'fixtures/many-errors')]);
    expect(stdout).toMatch(/Validation\s+✖ 12 errors/);
    expect(stdout).toMatch(/Showing\s+the deployed program \(the workspace has errors\)/);
    expect(code).toBe(1);
    expect(stderr).toBe('error: The workspace has 12 errors (the preview shows the deployed program); `campaign validate` lists them.\n');
  });

  it('rejects a --now that is not a time', async () => {
    const { code, stderr } = await preview(['--store', store, '--now', 'tomorrow']);
    expect(code).toBe(1);
    expect(stderr).toContain('--now "tomorrow" is not an ISO 8601 date-time with a zone');
  });
});
