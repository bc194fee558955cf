import { Box, Text } from 'ink';
import type { KeyHint } from './screens.ts';

/** The keys of the current screen, then `? help  q quit`. */
export function Footer({ keys, width }: { keys: readonly KeyHint[]; width: number }) {
  const all: KeyHint[] = [...keys, ['?', 'help'], ['q', 'quit']];
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        {all.map(([key, action], i) => (
          <Text key={`${key}${i}`}>
            {i > 0 ? '  ' : ''}
            <Text bold color="cyan">{key}</Text>
            <Text> {action}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}
