import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { identityOf, isHolderAlive, processIdentity } from '../../src/store/process-identity.ts';

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function liveProcess(): number {
  const child = spawn('sleep', ['30']);
  children.push(child);
  return child.pid!;
}

const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

describe('process identity (Linux: boot id and start time)', () => {
  it("names this process by its boot and its start in clock ticks, read from /proc", () => {
    const identity = processIdentity();
    expect(identity).toMatch(new RegExp(`^${boot}:\\d+$`));
    // The start time is since boot: no later than the uptime.
    const ticks = Number(identity!.split(':').at(-1));
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    expect(ticks / 100).toBeLessThanOrEqual(uptime + 1);
    expect(identityOf(process.pid)).toBe(identity);
  });

  it('tells a running holder from a reused pid, an earlier boot and an ended process', () => {
    const pid = liveProcess();
    const identity = identityOf(pid)!;
    expect(identity).not.toBe(processIdentity());
    expect(isHolderAlive(pid, identity)).toBe(true);
    // The same pid, started at another time: another process now has the holder's pid.
    expect(isHolderAlive(pid, `${boot}:1`)).toBe(false);
    // Written before a reboot: whatever has the pid now is not the holder.
    expect(isHolderAlive(pid, `00000000-0000-0000-0000-000000000000:${identity.split(':').at(-1)}`)).toBe(false);
    const ended = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    expect(isHolderAlive(ended, undefined)).toBe(false);
    expect(identityOf(ended)).toBeNull();
  });

  it('takes a live pid for the holder when the lock names no identity (older versions) or an unreadable one', () => {
    const pid = liveProcess();
    expect(isHolderAlive(pid, undefined)).toBe(true);
    expect(isHolderAlive(pid, '')).toBe(true);
    expect(isHolderAlive(pid, 'garbled')).toBe(true);
  });
});
