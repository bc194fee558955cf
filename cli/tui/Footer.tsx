import { Box, Text } from 'ink';
import type { KeyHint } from './screens.ts';

const hints = (keys: readonly KeyHint[]) =>
  keys.map(([key, action], i) => (
    <Text key={`${key}${i}`}>
      {i > 0 ? '  ' : ''}
      <Text bold color="cyan">{key}</Text>
      <Text> {action}</Text>
    </Text>
  ));

/**
 * The keys of the current screen, then `? help  q quit`. When they do not fit, the keys of the
 * screen are cut, never help and quit (`?` lists them all).
 */
export function Footer({ keys, width }: { keys: readonly KeyHint[]; width: number }) {
  const always: KeyHint[] = [['?', 'help'], ['q', 'quit']];
  if (keys.length === 0) {
    return (
      <Box width={width}>
        <Text wrap="truncate-end">{hints(always)}</Text>
      </Box>
    );
  }
  return (
    <Box width={width}>
      <Box flexShrink={1}>
        <Text wrap="truncate-end">{hints(keys)}</Text>
      </Box>
      <Box flexShrink={0}>
        <Text>{'  '}{hints(always)}</Text>
      </Box>
    </Box>
  );
}
