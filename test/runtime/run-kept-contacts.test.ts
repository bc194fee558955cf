import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outboxTransport } from '../../src/runtime/deliver/index.ts';
import { runStore } from '../../src/runtime/run.ts';
import { lineLayoutChunks } from '../../src/store/index.ts';
import { runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

const { cli, copyBase } = runtimeCliWorkspace();

describe('campaign run copies the lines of the contacts it processed nothing of', () => {
  // A contact the engine changed whose line was copied from the file read would keep its old
  // bytes: the file would differ from the serialisation of the run's data.
  it('writes, run after run, the bytes of a full serialisation, with the contacts left alone copied', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const ingested = await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json', '--now', '2026-11-01T00:00:00Z');
    expect(ingested.code, ingested.stderr).toBe(0);
    const run = (now: string) => runStore({ store, now: new Date(now), dryRun: false, transport: () => outboxTransport(path.join(dir, 'outbox')), env: {} });
    const spaced = '{"id": "c_';
    const counts: number[] = [];
    for (const now of ['2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z', '2026-11-09T00:00:00Z', '2026-11-20T00:00:00Z', '2026-12-20T00:00:00Z']) {
      // Every contact line spaced after its id's colon (the same value): a copied line keeps it.
      writeFileSync(store, readFileSync(store, 'utf8').replaceAll('{"id":"c_', spaced));
      const result = await run(now);
      expect(result.written).toBe(true);
      const text = readFileSync(store, 'utf8');
      const copied = text.split(spaced).length - 1;
      counts.push(copied);
      expect(text.replaceAll(spaced, '{"id":"c_'), `${now}: ${copied} copied`).toBe([...lineLayoutChunks(result.store)].join(''));
    }
    // The first run processes every contact, the next day's none, later ones some (decay, segments on time).
    expect(counts[0]).toBe(0);
    expect(counts[1]).toBe(200);
    expect(counts.some((n) => n > 0 && n < 200)).toBe(true);
  }, 120_000);
});
