import { Box, Text } from 'ink';
import { gradeCells } from '../../src/tui-support/score-distribution.ts';
import { count, fit, right } from './format.ts';

/** Counts per cell of a fit × engagement grade matrix. */
export function GradeMatrix({ name, cells, fitScore, engagementScore }: { name: string; cells: NonNullable<ReturnType<typeof gradeCells>>; fitScore: string; engagementScore: string }) {
  const cellWidth = Math.max(5, ...cells.counts.flat().map((n) => count(n).length + 1));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{`Grade matrix ${name}`}<Text dimColor>{` (${fitScore} × ${engagementScore})`}</Text></Text>
      <Text dimColor>{`${fit('', 4)}${cells.engagement.map((e) => right(e, cellWidth)).join('')}`}</Text>
      {cells.fit.map((f, i) => (
        <Text key={f}>
          <Text dimColor>{fit(f, 4)}</Text>
          {cells.counts[i]!.map((n, j) => (
            <Text key={j} color={n > 0 ? undefined : 'gray'}>{right(count(n), cellWidth)}</Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
