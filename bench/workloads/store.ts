import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compileProgram, evaluateContact } from '../../src/runtime/evaluate/snapshot.ts';
import { readStore, writeStore } from '../../src/store/index.ts';
import { benchData, deployedStore, groupEvents, WINDOW } from '../lib/data.ts';
import { atMost, count, measure, peakRssMb, type Comparison, type Measurement } from '../lib/harness.ts';
import type { Workload } from '../lib/workload.ts';

/**
 * The JSON contact store: `writeStore` (validated, line layout, atomic write through lowdb) and
 * `readStore` (read, parse, validate) against the raw baseline, `JSON.stringify` + `fs.writeFileSync`
 * and `fs.readFileSync` + `JSON.parse` of the same data.
 */
export const storeWorkload: Workload = {
  name: 'store',
  description: 'load and save the JSON store vs raw JSON.parse/JSON.stringify + fs',
  cases: (sizes) => sizes.contacts.map((contacts) => ({ workload: 'store', label: `${count(contacts)} contacts`, params: { contacts, events: contacts * 3 } })),
  async run(spec, ctx) {
    const setupStarted = performance.now();
    const { contacts, events } = spec.params as { contacts: number; events: number };
    const data = await benchData({ contacts, events, seed: ctx.seed });
    scoreContacts(data);
    const store = deployedStore(data);
    store.events = data.events;
    const file = path.join(ctx.tmp, 'store.json');
    const raw = path.join(ctx.tmp, 'raw.json');
    const setupMs = performance.now() - setupStarted;
    const options = { runs: ctx.runs, budgetMs: ctx.budgetMs };

    const save = await measure('save: campaignkit (writeStore)', () => writeStore(file, store), { ...options, before: () => rmSync(file, { force: true }) });
    const saveRaw = await measure('save: JSON.stringify + writeFileSync', () => writeFileSync(raw, JSON.stringify(store)), { ...options, before: () => rmSync(raw, { force: true }) });
    const load = await measure('load: campaignkit (readStore)', async () => {
      const loaded = await readStore(file);
      if (loaded?.contacts.length !== contacts) throw new Error('the store read back has the wrong number of contacts');
    }, options);
    // The raw baseline reads the same bytes campaignkit wrote (valid JSON), when it could not write its own.
    const rawFile = saveRaw.medianMs === null ? file : raw;
    const loadRaw = await measure('load: readFileSync + JSON.parse', () => JSON.parse(readFileSync(rawFile, 'utf8')), options);

    const notes = [`${count(contacts)} contacts, ${count(store.events.length)} events; store file ${mb(file)} MB${saveRaw.medianMs !== null ? `, raw JSON ${mb(raw)} MB` : ''}`];
    if (saveRaw.error) notes.push(`the raw baseline cannot save this store: ${saveRaw.error} (a JavaScript string holds at most 512 MB)`);
    if (loadRaw.error) notes.push(`the raw baseline cannot load this store: ${loadRaw.error}`);
    const comparisons: Comparison[] = [atMost('save: campaignkit / raw', save, saveRaw, 1.5), atMost('load: campaignkit / raw', load, loadRaw, 1.5)];
    if (contacts >= 1_000_000) comparisons.push(works('1M contacts load and save', save, load));
    return {
      workload: 'store',
      case: spec.label,
      params: spec.params,
      measurements: [save, saveRaw, load, loadRaw],
      comparisons,
      peakRssMb: peakRssMb(),
      setupMs,
      notes,
    };
  },
};

/** Scores and segments as a run leaves them (copies of tiled contacts share their original's). */
function scoreContacts(data: Awaited<ReturnType<typeof benchData>>): void {
  const compiled = compileProgram(data.program);
  const byContact = groupEvents(data.events);
  const all = new Set(compiled.scores.keys());
  const done = new Map<string, { scores: Record<string, never>; segments: string[] }>();
  for (const contact of data.contacts) {
    const original = contact.id.replace(/-\d+$/, '');
    let result = done.get(original);
    if (!result) {
      const evaluation = evaluateContact(compiled, contact, byContact.get(contact.id) ?? [], WINDOW.end, { rescore: all });
      result = { scores: evaluation.states as Record<string, never>, segments: compiled.segments.evaluate(evaluation.subject, WINDOW.end) };
      done.set(original, result);
    }
    contact.scores = result.scores;
    contact.segments = result.segments;
  }
}

function works(label: string, ...measurements: Measurement[]): Comparison {
  const ok = measurements.every((m) => m.medianMs !== null);
  return { label, ratio: null, target: 'works', met: ok, value: ok ? 'yes' : 'no' };
}

function mb(file: string): number {
  try {
    return Math.round(statSync(file).size / 1e6);
  } catch {
    return 0;
  }
}
