/**
 * Run as a child process by journal.test.ts: appends argv[3] events to the journal argv[2] in
 * one `appendEvents` call (an `events ingest` of a large file), to be killed midway.
 */
import { appendEvents } from '../../src/runtime/journal.ts';

const count = Number(process.argv[3]);
const events = Array.from({ length: count }, (_, i) => ({ id: `big-${i}`, contact: `c${i % 7}`, event: 'page_view', at: '2026-11-02T09:00:00.000Z', data: { url: `/page/${'x'.repeat(200)}/${i}` } }));
appendEvents(process.argv[2]!, events, '2026-11-23T12:00:00.000Z');
