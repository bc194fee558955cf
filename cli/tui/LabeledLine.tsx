import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

/** `label     value…` on one line: the label in a fixed column, the value cut at the line's end. */
export function LabeledLine({ label, children, labelWidth = 12, dimLabel = false }: { label: string; children: ReactNode; labelWidth?: number; dimLabel?: boolean }) {
  return (
    <Box>
      <Box width={labelWidth} flexShrink={0}>
        <Text bold={!dimLabel} dimColor={dimLabel}>{label}</Text>
      </Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end">{children}</Text>
      </Box>
    </Box>
  );
}
