import { Box, Text } from 'ink';
import { useMemo, useReducer, useState } from 'react';
import type { PreviewModel } from '../../src/tui-support/preview-model.ts';
import { JourneySimulation, type SimulationPosition, type SimulationTick } from '../../src/tui-support/simulate-journey.ts';
import { shortTime } from './format.ts';
import { isBack, isOpen } from './keys.ts';
import { useKeys } from './use-keys.ts';
import { usePreview } from './preview-context.ts';
import { useScreenKeys } from './use-screen-keys.ts';

const DAY = 86_400_000;
const KIND_COLOR: Record<string, string | undefined> = { email: 'cyan', segment: 'magenta', score: 'yellow', event: 'green', clock: 'gray' };

/** One contact stepped through one campaign on a simulated clock, with the runtime engine (`JourneySimulation`). */
export function SimulationView({ active, model, contact, campaign, width, height, onBack }: { active: boolean; model: PreviewModel; contact: number; campaign: string; width: number; height: number; onBack(): void }) {
  // The workspace's program: the simulator tries what `campaign apply` would deploy.
  const { state } = usePreview();
  const person = model.contacts[contact]!;
  const create = (): { sim: JourneySimulation | null; error: string | null } => {
    try {
      return { sim: new JourneySimulation(state.program ?? model.program, model.data, person.id, campaign, model.now), error: null };
    } catch (e) {
      return { sim: null, error: (e as Error).message };
    }
  };
  const [{ sim, error: startError }, setRun] = useState(create);
  const [stepError, setError] = useState<string | null>(null);
  const error = startError ?? stepError;
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const start = () => {
    setRun(create());
    setError(null);
  };
  const lines = useMemo(() => (sim ? logLines(sim.history) : []), [sim, sim?.history.length]);
  const logHeight = Math.max(1, height - 3);
  const [back, setBack] = useState(0);
  const offset = Math.max(0, lines.length - logHeight - back);
  const position = sim?.position;
  const run = (fn: (s: JourneySimulation) => void) => {
    if (!sim) return;
    try {
      fn(sim);
      setBack(0);
    } catch (e) {
      setError((e as Error).message);
    }
    redraw();
  };
  const waitingFor = position?.status === 'active' ? position.waitingFor : undefined;
  useScreenKeys(active, [
    ['n ⏎', sim?.nextWake !== null && sim?.nextWake !== undefined ? 'next wake-up' : '+1 day'],
    ['d w', '+1 day, +1 week'],
    ...(waitingFor ? ([['e', `${waitingFor} happens now`]] as const) : []),
    ['j/k', 'scroll'],
    ['r', 'restart'],
    ['Esc', 'other campaign'],
  ]);
  useKeys((input, key) => {
    if (input === 'n' || isOpen(input, key)) run((s) => s.step());
    else if (input === 'd') run((s) => s.advance(s.clock + DAY));
    else if (input === 'w') run((s) => s.advance(s.clock + 7 * DAY));
    else if (input === 'e' && waitingFor) {
      run((s) => {
        if (!s.triggerAwaited()) throw new Error(`Cannot simulate ${waitingFor}: no event properties found that the step's where accepts; use n to let it time out.`);
      });
    }
    else if (input === 'r') {
      setBack(0);
      start();
    } else if (input === 'k' || key.upArrow) setBack((b) => Math.min(b + 1, Math.max(0, lines.length - logHeight)));
    else if (input === 'j' || key.downArrow) setBack((b) => Math.max(0, b - 1));
    else if (isBack(input, key)) onBack();
  }, active);
  if (!active) return null;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text dimColor>Simulating </Text>
        <Text bold>{model.columns.email(person) || person.id}</Text>
        <Text dimColor> in </Text>
        <Text bold>{campaign}</Text>
        <Text dimColor>{` · clock ${sim ? shortTime(sim.clock) : '…'} · a copy of the contact; the store is not touched`}</Text>
      </Text>
      {error ? <Text color="red" wrap="truncate-end">{error}</Text> : (
        <Text wrap="truncate-end">
          <Text dimColor>position </Text>
          <Text color={position?.status === 'active' ? 'yellow' : position?.status === 'completed' ? 'green' : 'red'}>{position ? positionText(position) : '…'}</Text>
        </Text>
      )}
      <Text dimColor>{'─'.repeat(Math.max(0, width - 1))}</Text>
      <Box flexDirection="column" height={logHeight}>
        {lines.slice(offset, offset + logHeight).map((line, i) => (
          <Box key={offset + i} height={1}>
            <Box width={18} flexShrink={0}>
              <Text dimColor>{line.at ? shortTime(line.at) : ''}</Text>
            </Box>
            <Text wrap="truncate-end">
              {line.campaign ? <Text dimColor>{`${line.campaign} › `}</Text> : null}
              <Text color={KIND_COLOR[line.kind]}>{line.text}</Text>
            </Text>
          </Box>
        ))}
      </Box>
    </Box>
  );
}

function positionText(p: SimulationPosition): string {
  if (p.status === 'completed') return 'completed the journey';
  if (p.status === 'exited') return `exited${p.exitReason ? ` (${p.exitReason})` : ''}`;
  if (p.waitingFor) return `waiting in ${p.step} for ${p.waitingFor} until ${shortTime(p.wakeAt)}`;
  if (p.phase === 'waiting') return p.wakeAt ? `waiting in ${p.step} until ${shortTime(p.wakeAt)}` : `waiting in ${p.step} for its goal`;
  return `next: ${p.step} at ${shortTime(p.wakeAt)}`;
}


/** The ticks as log lines: the time when it changes, then what happened. */
function logLines(ticks: readonly SimulationTick[]): { at: string; kind: string; campaign: string | null; text: string }[] {
  const out: { at: string; kind: string; campaign: string | null; text: string }[] = [];
  let last = '';
  for (const tick of ticks) {
    if (tick.lines.length === 0) out.push({ at: tick.at, kind: 'clock', campaign: null, text: 'nothing happened' });
    for (const line of tick.lines) {
      const at = line.at ?? tick.at;
      out.push({ at: at === last ? '' : at, kind: line.kind, campaign: line.campaign, text: line.text });
      last = at;
    }
    if (tick.lines.length === 0) last = tick.at;
  }
  return out;
}
