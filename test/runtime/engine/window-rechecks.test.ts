import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/runtime/engine/engine.ts';
import type { StoredEvent, StoreData } from '../../../src/store/types.ts';
import { contact, emptyStore, programFrom, type TestWorkspace } from '../../helpers/program.ts';

const ev = (event: string, at: string, data: Record<string, unknown> = {}): StoredEvent => ({ id: `c1-${event}-${at}`, contact: 'c1', event, at, data });

function store(): StoreData {
  const data = emptyStore();
  data.contacts = [contact('c1', {} as never)];
  data.clock = '2026-11-01T00:00:00.000Z';
  return data;
}

/** The contact's segments after running the events up to `until`. */
async function segmentsAt(build: (w: TestWorkspace) => void, events: StoredEvent[], until: string): Promise<string[]> {
  const data = store();
  new Engine(data, await programFrom(build)).run(events, { until: Date.parse(until) });
  return data.contacts[0]!.segments;
}

describe('time-based re-checks after an event', () => {
  // "Trial users who viewed a page in the last 7 days": the page view happened before the trial
  // started; the trial event (no window) makes the segment true, and time alone must end it when
  // the page view leaves its window.
  const trialVisitors = (w: TestWorkspace) => {
    w.segment('trial-visitors', { where: (c) => c.all(c.did('trial.started'), c.did('page.viewed', { within: '7d' })) });
  };
  const events = [ev('page.viewed', '2026-11-01T10:00:00.000Z', { url: '/pricing' }), ev('trial.started', '2026-11-03T10:00:00.000Z')];

  it('a segment an event without a window completes leaves when the windowed part expires', async () => {
    expect(await segmentsAt(trialVisitors, events, '2026-11-08T09:00:00Z')).toEqual(['trial-visitors']);
    expect(await segmentsAt(trialVisitors, events, '2026-11-08T11:00:00Z')).toEqual([]);
  });

  it('a segment an `any` held by a windowless part leaves when that part breaks and the windowed one expires', async () => {
    const visitorsOrProspects = (w: TestWorkspace) => {
      w.segment('warm', { where: (c) => c.any(c.did('page.viewed', { within: '7d' }), c.didNot('trial.started')) });
    };
    expect(await segmentsAt(visitorsOrProspects, events, '2026-11-08T09:00:00Z')).toEqual(['warm']);
    expect(await segmentsAt(visitorsOrProspects, events, '2026-11-08T11:00:00Z')).toEqual([]);
  });

  it('"at most" in a window: the contact is back in once the older event leaves, not when the newest does', async () => {
    const once = (w: TestWorkspace) => {
      // Exactly one pricing view within 7 days; the trial event keeps another re-check queued.
      w.segment('single-view', { where: (c) => c.did('page.viewed', { atLeast: 1, atMost: 1, within: '7d' }) });
      w.segment('recent-trial', { where: (c) => c.did('trial.started', { within: '10d' }) });
    };
    const views = [
      ev('trial.started', '2026-11-01T00:00:00.000Z'),
      ev('page.viewed', '2026-11-01T10:00:00.000Z', { url: '/a' }),
      ev('page.viewed', '2026-11-02T10:00:00.000Z', { url: '/b' }),
    ];
    // Two views: out. The first leaves the window on the 8th at 10:00: one view, in; the second leaves on the 9th: out.
    expect(await segmentsAt(once, views, '2026-11-08T09:00:00Z')).toEqual(['recent-trial']);
    expect(await segmentsAt(once, views, '2026-11-08T11:00:00Z')).toEqual(['recent-trial', 'single-view']);
    expect(await segmentsAt(once, views, '2026-11-09T11:00:00Z')).toEqual(['recent-trial']);
  });
});
