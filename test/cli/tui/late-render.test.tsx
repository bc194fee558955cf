import { afterEach, beforeAll, describe, expect, it } from 'vitest';

/**
 * On a loaded machine React renders later than the next turn of the event loop: its scheduler
 * runs renders from `setImmediate` and yields after 5 ms, continuing on the next turn. Here every
 * `setImmediate` waits 20 ms — installed before React loads, which is when its scheduler reads
 * it — so a key handled one timer turn after the one before reaches the screen the key before
 * left, unless keys wait for the render of the one before.
 */
const realSetImmediate = globalThis.setImmediate;
globalThis.setImmediate = ((callback: (...args: unknown[]) => void, ...args: unknown[]) => setTimeout(callback, 20, ...args)) as unknown as typeof setImmediate;

const { drive, previewFixture, sessionFor } = await import('./preview-fixture.ts');
type Driver = Awaited<ReturnType<typeof drive>>;

let fixture: Awaited<ReturnType<typeof previewFixture>>;
let driver: Driver | null = null;

beforeAll(async () => {
  fixture = await previewFixture();
}, 60_000);

afterEach(() => {
  driver?.unmount();
  driver = null;
  globalThis.setImmediate = realSetImmediate;
});

describe('campaign preview when React renders late', () => {
  it('a burst of keys still reaches the screen each key switches to', async () => {
    const session = sessionFor(fixture);
    await session.loaded;
    driver = await drive(session);
    await driver.waitFor('[1 Overview]');
    // One write: switch to Campaigns, move down twice, then open the campaign reached.
    await driver.press('2jj\r');
    const frame = await driver.waitFor(/ — /);
    expect(frame).toContain('customer-health — ');
  });

  it('a long paste is handled key by key to its end', async () => {
    const session = sessionFor(fixture);
    await session.loaded;
    driver = await drive(session);
    // 50 moves down stop at the last of 10 campaigns; 8 up from there is the second.
    await driver.press(`2${'j'.repeat(50)}${'k'.repeat(8)}\r`);
    expect(await driver.waitFor(/ — /, 20_000)).toContain('contract-renewal — ');
  });
});
