import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { cli, copyBase } = runtimeCliWorkspace();

describe('--lock-timeout', () => {
  it('is checked in a dry run too: a dry run refuses what the real command would, and writes nothing', async () => {
    const dir = copyBase();
    const bytes = readFileSync(path.join(dir, 'store.json'));
    const commands = [
      ['enroll', 'welcome', '--contact', 'c_000009'],
      ['contacts', 'erase', 'c_000009'],
      ['contacts', 'import', 'contacts.csv'],
      ['apply', '--auto-approve'],
      ['run'],
      ['unsubscribe', '--email', 'a@elsewhere.example'],
      ['unsubscribe', 'c=c_000001&t=00'],
      ['webhooks', 'retry'],
      ['secret', 'rotate'],
    ];
    for (const command of commands) {
      for (const value of ['abc', '2h']) {
        const result = await cli(dir, ...command, '--dry-run', '--lock-timeout', value, '--store', 'store.json');
        expect([command.join(' '), result.code, result.stderr]).toEqual([command.join(' '), 1, `error: --lock-timeout "${value}" is not a duration up to 1h; use e.g. 30s, 5m or 1m30s.\n`]);
      }
    }
    expect(readFileSync(path.join(dir, 'store.json')).equals(bytes)).toBe(true);
  });
});
