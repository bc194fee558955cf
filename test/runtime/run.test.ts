import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outboxTransport } from '../../src/runtime/deliver/index.ts';
import { runStore } from '../../src/runtime/run.ts';
import { readStore } from '../../src/store/index.ts';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { cli, copyBase } = runtimeCliWorkspace();

describe('runStore with skipIdleWrite (campaign run --watch)', () => {
  it('writes nothing once the journal it folded was compacted: an empty new generation is not a change', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const ingested = await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json', '--now', '2026-11-01T00:00:00Z');
    expect(ingested.code, ingested.stderr).toBe(0);
    const run = (now: string) => runStore({ store, now: new Date(now), dryRun: false, transport: () => outboxTransport(path.join(dir, 'outbox')), env: {}, skipIdleWrite: true });
    // Folds the journal, writes the store, then compacts the journal into a new, empty generation.
    expect((await run('2026-11-01T00:00:00Z')).written).toBe(true);
    const serial = (await readStore(store))!.serial;
    const mtime = statSync(store).mtimeMs;
    // A second later nothing is due: the cursor names the old generation, but no event was read.
    for (const now of ['2026-11-01T00:00:01Z', '2026-11-01T00:00:02Z', '2026-11-01T00:00:03Z']) {
      const result = await run(now);
      expect(result.journalEvents).toBe(0);
      expect(result.written, now).toBe(false);
    }
    expect((await readStore(store))!.serial).toBe(serial);
    expect(statSync(store).mtimeMs).toBe(mtime);
  }, 60_000);
});
