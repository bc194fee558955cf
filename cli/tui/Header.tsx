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
  const cut = labelLength(screen, width);
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
            // The number is the key that opens the screen: always shown (QA: at 80 columns only the current one had it).
            const label = isActive || cut >= s.label.length ? `${i + 1} ${s.label}` : `${i + 1}${cut > 0 ? ` ${s.label.slice(0, cut)}` : ''}`;
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

/**
 * How many characters of each label the tabs other than the current one can show in `width`: all
 * of them when the whole bar fits, else as many as fit (`1 Overvi 3 Segmen …`), the current tab
 * always whole. Two columns are kept free, as the full bar keeps them.
 */
function labelLength(screen: ScreenId, width: number): number {
  const longest = Math.max(...SCREENS.map((s) => s.label.length));
  const current = SCREENS.findIndex((s) => s.id === screen);
  for (let cut = longest; cut > 0; cut--) {
    const bar = SCREENS.map((s, i) => (i === current ? `[${i + 1} ${s.label}]` : `${i + 1} ${s.label.slice(0, cut)}`)).join(' ');
    if (bar.length + 2 <= width) return cut;
  }
  return 0;
}
