import { Box, Text } from 'ink';
import { isBack, isOpen } from './keys.ts';
import type { PlanRow } from './plan-rows.ts';
import { useKeys } from './use-keys.ts';
import { useScreenKeys } from './use-screen-keys.ts';

/** A plan error or warning in full. */
export function PlanMessage({ active, row, width, height, onBack }: { active: boolean; row: PlanRow; width: number; height: number; onBack(): void }) {
  useScreenKeys(active, [['Esc', 'back to the plan']]);
  useKeys((input, key) => {
    if (isBack(input, key) || isOpen(input, key)) onBack();
  }, active);
  if (!active) return null;
  return (
    <Box width={width} height={height} paddingLeft={1}>
      <Text wrap="wrap" color={row.color}>{row.text}</Text>
    </Box>
  );
}
