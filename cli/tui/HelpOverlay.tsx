import { Box, Text } from 'ink';
import { SCREENS, type KeyHint, type ScreenId } from './screens.ts';

/** `?`: every key of the current screen and the global ones. */
export function HelpOverlay({ keys, global, screen, width, height }: { keys: readonly KeyHint[]; global: readonly KeyHint[]; screen: ScreenId; width: number; height: number }) {
  const label = SCREENS.find((s) => s.id === screen)?.label ?? screen;
  const column = Math.max(...[...keys, ...global].map(([k]) => k.length), 6) + 2;
  const row = ([key, action]: KeyHint, i: number) => (
    <Box key={`${key}${i}`}>
      <Box width={column} flexShrink={0}>
        <Text bold color="cyan">{key}</Text>
      </Box>
      <Text wrap="truncate-end">{action}</Text>
    </Box>
  );
  return (
    <Box flexDirection="column" width={width} height={height} paddingLeft={1}>
      <Text bold>Keys — {label}</Text>
      {keys.map(row)}
      <Text> </Text>
      <Text bold>Everywhere</Text>
      {global.map(row)}
      <Text wrap="wrap">
        <Text dimColor>Screens: </Text>
        {SCREENS.map((s, i) => `${i + 1} ${s.label}`).join(' · ')}
      </Text>
      <Text> </Text>
      <Text dimColor wrap="wrap">The preview computes nothing of its own: the compiler, the evaluation engine, the runtime and the planner do.</Text>
    </Box>
  );
}
