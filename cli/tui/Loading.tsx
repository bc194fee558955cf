import { Box, Text } from 'ink';
import type { PreviewState } from './preview-session.ts';

/** What a screen shows while its data is not there yet, or why it never will be. */
export function Loading({ state, what }: { state: PreviewState; what: string }) {
  let text: string;
  if (state.phase === 'failed') text = `Could not load: ${state.error}`;
  else if (state.phase === 'ready' && !state.program) text = `No program to show ${what}: the workspace has errors and nothing is deployed. See 1 Overview.`;
  else if (state.phase === 'evaluating' && state.progress) text = `Evaluating ${state.progress.total.toLocaleString('en-US')} contacts… ${state.progress.done.toLocaleString('en-US')}`;
  else text = `Loading ${what}…`;
  return (
    <Box paddingLeft={2} paddingTop={1}>
      <Text color={state.phase === 'failed' ? 'red' : 'yellow'}>{text}</Text>
    </Box>
  );
}
