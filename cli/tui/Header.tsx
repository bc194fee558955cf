import { Box, Text } from 'ink';
import type { PreviewState } from './preview-session.ts';
import { SCREENS, type ScreenId } from './screens.ts';
import { shortTime } from './format.ts';

const PHASE_TEXT: Record<PreviewState['phase'], string> = {
  compiling: 'compiling the workspace…',
  reading: 'reading the store…',
  evaluating: 'evaluating contacts…',
  ready: '',
  failed: 'failed to load',
};

/** The title line (workspace, store, clock, loading phase) and the screen tabs. */
export function Header({ state, screen, width }: { state: PreviewState; screen: ScreenId; width: number }) {
  const progress = state.phase === 'evaluating' && state.progress ? ` ${Math.floor((100 * state.progress.done) / Math.max(1, state.progress.total))}%` : '';
  const status = state.phase === 'ready' ? '' : `${PHASE_TEXT[state.phase]}${progress}`;
  const full = SCREENS.map((s, i) => `${i + 1} ${s.label}`).join(' ').length + 2 <= width;
  return (
    <Box flexDirection="column" width={width}>
      <Box width={width}>
        <Box flexShrink={1}>
          <Text wrap="truncate-end">
            <Text bold color="cyan">campaignkit preview</Text>
            <Text dimColor>{`  now ${shortTime(state.now)} · ${state.workspace} · ${state.store ?? '…'}`}</Text>
          </Text>
        </Box>
        {status ? (
          <Box flexShrink={0} marginLeft={1}>
            <Text color="yellow">{status}</Text>
          </Box>
        ) : null}
      </Box>
      <Box width={width}>
        <Text wrap="truncate-end">
          {SCREENS.map((s, i) => {
            const isActive = s.id === screen;
            const label = full || isActive ? `${i + 1} ${s.label}` : s.label;
            return (
              <Text key={s.id}>
                {i > 0 ? ' ' : ''}
                {isActive ? (
                  <Text inverse bold>{`[${label}]`}</Text>
                ) : (
                  <Text dimColor={false}>{label}</Text>
                )}
              </Text>
            );
          })}
        </Text>
      </Box>
    </Box>
  );
}
