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
  // One line each, cut to the height: rows squeezed below a line overlap each other in ink.
  const lines = [
    <Text key="title" bold wrap="truncate-end">Keys — {label}</Text>,
    ...keys.map(row),
    <Text key="gap1"> </Text>,
    <Text key="everywhere" bold>Everywhere</Text>,
    ...global.map(row),
    <Text key="gap2"> </Text>,
    <Text key="note" dimColor wrap="truncate-end">Computed by the compiler, the engine and the planner, as the CLI computes it.</Text>,
  ];
  const shown = lines.length <= height ? lines : [...lines.slice(0, Math.max(0, height - 1)), <Text key="more" dimColor wrap="truncate-end">… more: enlarge the terminal to see every key</Text>];
  return (
    <Box flexDirection="column" width={width} height={height} paddingLeft={1} overflow="hidden">
      {shown}
    </Box>
  );
}
