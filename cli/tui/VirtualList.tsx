import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

export interface VirtualListProps {
  count: number;
  cursor: number;
  offset: number;
  height: number;
  width: number;
  /** One row; `selected` rows are marked with › and inverse. */
  renderRow(index: number, selected: boolean): ReactNode;
  empty?: string;
  /** Draw the selection (false while a search field has the keyboard). */
  focused?: boolean;
}

/** Renders only the rows in view: a list of 100,000 costs what a list of `height` costs. */
export function VirtualList({ count, cursor, offset, height, width, renderRow, empty = 'Nothing to show.', focused = true }: VirtualListProps) {
  if (count === 0) {
    return (
      <Box height={height} width={width}>
        <Text dimColor>{`  ${empty}`}</Text>
      </Box>
    );
  }
  const rows: ReactNode[] = [];
  const end = Math.min(count, offset + height);
  for (let i = offset; i < end; i++) {
    const selected = focused && i === cursor;
    rows.push(
      <Box key={i} width={width} height={1}>
        <Box width={2} flexShrink={0}>
          <Text color="cyan" bold>{selected ? '›' : ' '}</Text>
        </Box>
        <Box flexGrow={1} overflow="hidden">
          {renderRow(i, selected)}
        </Box>
      </Box>,
    );
  }
  return (
    <Box flexDirection="column" height={height} width={width}>
      {rows}
    </Box>
  );
}
