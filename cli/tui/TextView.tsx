import { Box, Text } from 'ink';

/**
 * A window onto lines of text (ANSI colours allowed), from `offset`. Lines are cut at the width,
 * or wrapped when `wrapLine` says so (prose, as opposed to source code under a caret).
 */
export function TextView({ lines, offset, height, width, wrapLine }: { lines: readonly string[]; offset: number; height: number; width: number; wrapLine?: (line: string) => boolean }) {
  const shown = lines.slice(offset, offset + height);
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      {shown.map((line, i) => (
        <Box key={offset + i} width={width} flexShrink={0}>
          <Text wrap={wrapLine?.(line) ? 'wrap' : 'truncate-end'}>{line === '' ? ' ' : line}</Text>
        </Box>
      ))}
    </Box>
  );
}
