import { Box, Text } from 'ink';

export interface Column {
  text: string;
  width: number;
  align?: 'left' | 'right';
  color?: string;
  dim?: boolean;
  bold?: boolean;
}

/** One table row of fixed-width cells; the last cell takes the rest of the line. */
export function Columns({ cells, inverse = false }: { cells: readonly Column[]; inverse?: boolean }) {
  return (
    <Box>
      {cells.map((cell, i) => {
        const last = i === cells.length - 1;
        const text = <Text wrap="truncate-end" inverse={inverse} color={cell.color} dimColor={cell.dim ?? false} bold={cell.bold ?? false}>{cell.text}</Text>;
        return (
          <Box key={i} width={last ? undefined : cell.width} flexGrow={last ? 1 : 0} flexShrink={last ? 1 : 0} justifyContent={cell.align === 'right' ? 'flex-end' : 'flex-start'} marginRight={last ? 0 : 1}>
            {text}
          </Box>
        );
      })}
    </Box>
  );
}
