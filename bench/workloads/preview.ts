import { compile } from '../../src/compiler/compile.ts';
import { buildExampleStore } from '../../test/helpers/example-store.ts';
import { EXAMPLE_WORKSPACE } from '../lib/data.ts';
import { count, median, peakRssMb, type Comparison, type Measurement } from '../lib/harness.ts';
import type { Workload } from '../lib/workload.ts';

/**
 * `campaign preview`'s keypress latency on a store the example ran for 90 days (contacts, events,
 * enrollments, outbox): a scripted tour of every screen (`bench/lib/preview-tour.ts`), each key
 * timed from its write to the next frame. The median key answers within 100 ms.
 */
const TARGET_MS = 100;

export const previewWorkload: Workload = {
  name: 'preview',
  description: 'campaign preview: keypress → frame on every screen',
  cases: (sizes) => [{ workload: 'preview', label: `${count(sizes.previewContacts)} contacts`, params: { contacts: sizes.previewContacts, events: sizes.previewContacts * 3 } }],
  async run(spec, ctx) {
    const setupStarted = performance.now();
    const { contacts, events } = spec.params as { contacts: number; events: number };
    // As `campaign preview` runs it: React's production build, chosen when React first loads.
    process.env.NODE_ENV ??= 'production';
    const { previewTour, percentile } = await import('../lib/preview-tour.ts');
    const { data } = await buildExampleStore({ workspace: EXAMPLE_WORKSPACE, contacts, events, seed: ctx.seed });
    const compiled = await compile({ workspace: EXAMPLE_WORKSPACE, typecheck: false });
    const setupMs = performance.now() - setupStarted;

    // The tour is one run: its keys are the samples (one figure per key, not per tour).
    const tour = await previewTour(compiled, data);
    const keys: Measurement = { name: `keypress → frame (${tour.samples.length} keys)`, medianMs: median(tour.samples.map((s) => s.ms)), samples: tour.samples.map((s) => Math.round(s.ms * 10) / 10) };
    const evaluate: Measurement = { name: 'open: evaluate and index the store', medianMs: Math.round(tour.evaluateMs), samples: [Math.round(tour.evaluateMs)] };
    const p95 = percentile(tour.samples, 95);
    const comparison: Comparison = { label: 'median keypress → frame', ratio: keys.medianMs === null ? null : Math.round((keys.medianMs / TARGET_MS) * 100) / 100, target: `≤ ${TARGET_MS} ms`, met: keys.medianMs === null ? null : keys.medianMs <= TARGET_MS, value: `${keys.medianMs} ms` };
    const slowest = [...tour.samples].sort((a, b) => b.ms - a.ms).slice(0, 3).map((s) => `${s.what} ${s.ms.toFixed(0)} ms`);
    return {
      workload: 'preview',
      case: spec.label,
      params: spec.params,
      measurements: [keys, evaluate],
      comparisons: [comparison],
      peakRssMb: peakRssMb(),
      setupMs,
      notes: [`${count(tour.contacts)} contacts, ${count(data.events.length)} events; p95 ${p95.toFixed(1)} ms; slowest: ${slowest.join(', ')}`],
    };
  },
};
