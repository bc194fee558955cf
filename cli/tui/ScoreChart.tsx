import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { Distribution } from '../../src/tui-support/score-distribution.ts';
import { count, plural, right } from './format.ts';

const round = (n: number) => String(Math.round(n * 10) / 10);

/** Horizontal bars, one per bucket, with a line at each threshold. */
export function ScoreChart({ distribution, width }: { distribution: Distribution; width: number }) {
  const { buckets, thresholds } = distribution;
  const labels = buckets.map((b) => `${round(b.from)}–${round(b.to)}`);
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const counts = buckets.map((b) => count(b.count));
  const countWidth = Math.max(...counts.map((c) => c.length));
  const most = Math.max(1, ...buckets.map((b) => b.count));
  // A threshold inside a bucket is marked after its count (`◂ mql 30`): the scale leaves it room
  // on its line, or a long bar would push it off the screen.
  const markers = buckets.map((b) => {
    const inside = thresholds.filter((t) => t.at > b.from && t.at < b.to);
    return inside.length ? ` ◂ ${inside.map((t) => `${t.id} ${t.at}`).join(', ')}` : '';
  });
  const room = width - labelWidth - countWidth - 4;
  const fits = buckets.map((b, i) => (markers[i] && b.count > 0 ? Math.floor((room - markers[i]!.length) / (b.count / most)) : room));
  const barWidth = Math.max(4, Math.min(room, ...fits));
  const rows: ReactNode[] = [];
  buckets.forEach((bucket, i) => {
    for (const t of thresholds) {
      if (t.at === bucket.from || (i === 0 && t.at < bucket.from)) rows.push(<Box key={`t${t.id}`}>{thresholdLine(t, width)}</Box>);
    }
    const length = bucket.count === 0 ? 0 : Math.max(1, Math.round((bucket.count / most) * barWidth));
    rows.push(
      <Text key={`b${i}`} wrap="truncate-end">
        <Text dimColor>{`${right(labels[i]!, labelWidth)} │`}</Text>
        <Text color="cyan">{'█'.repeat(length)}</Text>
        <Text>{` ${counts[i]}`}</Text>
        {markers[i] ? <Text color="magenta">{markers[i]}</Text> : null}
      </Text>,
    );
  });
  for (const t of thresholds) {
    if (t.at >= buckets[buckets.length - 1]!.to) rows.push(<Box key={`t${t.id}`}>{thresholdLine(t, width)}</Box>);
  }
  return <Box flexDirection="column" width={width}>{rows}</Box>;
}

function thresholdLine(threshold: Distribution['thresholds'][number], width: number) {
  const text = ` ${threshold.id} ≥ ${threshold.at}: ${plural(threshold.above, 'contact')} `;
  return <Text color="magenta" wrap="truncate-end">{`──${text}${'─'.repeat(Math.max(0, width - text.length - 2))}`}</Text>;
}
