import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStore, writeStore } from '../../src/store/store-file.ts';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

/**
 * Contact data comes from signup forms: a name holding an escape sequence, a carriage return or a
 * bidirectional override must not act on the operator's terminal (QA: `campaign contact` turned it red).
 */
describe('contact data in terminal output', () => {
  const { cli, copyBase } = runtimeCliWorkspace();

  it('campaign contact and run --dry-run show control characters in contact fields as escapes', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const data = (await readStore(store))!;
    const contact = data.contacts[1]!;
    contact.fields = { ...contact.fields, firstName: 'Eve\r\n\u001b]0;PWNED\u0007', lastName: '\u001b[31mRED\u202e' };
    await writeStore(store, data);

    const explained = await cli(dir, 'contact', contact.id, '--store', 'store.json');
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toContain('Eve\\r\\n\\u001B]0;PWNED\\u0007 \\u001B[31mRED\\u202E');
    expect(explained.stdout).not.toMatch(/[\u001b\r\u0007\u202e]/);

    const ingested = await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json');
    expect(ingested.code, ingested.stderr).toBe(0);
    const dry = await cli(dir, 'run', '--dry-run', '--store', 'store.json', '--now', '2026-11-01T00:00:00Z', '--until', '2026-12-31T00:00:00Z', '--contact', contact.id);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Eve\\r\\n\\u001B]0;PWNED\\u0007');
    expect(dry.stdout).not.toMatch(/[\u001b\r\u0007\u202e]/);
  }, 60_000);
});
