import { Box, Text } from 'ink';
import type { KeyHint } from './screens.ts';

const hints = (keys: readonly KeyHint[]) =>
  keys.map(([key, action], i) => (
    <Text key={`${key}${i}`}>
      {i > 0 ? '  ' : ''}
      <Text bold color="cyan">{key}</Text>
      {action ? <Text> {action}</Text> : null}
    </Text>
  ));

const textWidth = (keys: readonly KeyHint[]) => keys.reduce((n, [key, action], i) => n + (i > 0 ? 2 : 0) + key.length + (action ? action.length + 1 : 0), 0);

/**
 * The screen's keys in `room` columns: as they are, else each action by its first word
 * (`Esc back`), else the keys alone — every key stays on the line (QA: at 80 columns
 * `Esc back to Campaigns` was cut to `Esc ba…`); `?` lists them in full.
 */
function fitted(keys: readonly KeyHint[], room: number): readonly KeyHint[] {
  if (textWidth(keys) <= room) return keys;
  const short = keys.map(([key, action]): KeyHint => [key, action.split(' ')[0] ?? '']);
  return textWidth(short) <= room ? short : keys.map(([key]): KeyHint => [key, '']);
}

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
        <Text wrap="truncate-end">{hints(fitted(keys, width - 2 - textWidth(always)))}</Text>
      </Box>
      <Box flexShrink={0}>
        <Text>{'  '}{hints(always)}</Text>
      </Box>
    </Box>
  );
}
