import { Box, Text } from 'ink';
import { useMemo, useState } from 'react';
import { pendingLabel } from '../../src/tui-support/pending-changes.ts';
import { gradeCells, scoreDistribution, topPositions } from '../../src/tui-support/score-distribution.ts';
import { right } from './format.ts';
import { PendingNote } from './PendingNote.tsx';
import { GradeMatrix } from './GradeMatrix.tsx';
import { isOpen } from './keys.ts';
import { Loading } from './Loading.tsx';
import { usePreview } from './preview-context.ts';
import { ScoreChart } from './ScoreChart.tsx';
import type { ScreenProps } from './screens.ts';
import { useKeys } from './use-keys.ts';
import { useListCursor } from './use-list-cursor.ts';
import { useScreenKeys } from './use-screen-keys.ts';
import { VirtualList } from './VirtualList.tsx';

const round = (n: number) => String(Math.round(n * 10) / 10);

/** 4 Scoring: each score's distribution with its thresholds, the top contacts, and the grade matrix. */
export function ScoringScreen({ active, width, height }: ScreenProps) {
  const { state, navigate } = usePreview();
  const model = state.model;
  // The deployed models: the store's score states were computed by them.
  const scores = model?.program.scores ?? [];
  const [which, setWhich] = useState(0);
  const [matrixAt, setMatrixAt] = useState(0);
  const score = scores[Math.min(which, scores.length - 1)];
  const values = score ? model?.scores.get(score.id) : undefined;
  const side = width >= 72;
  const leftWidth = side ? Math.max(40, Math.floor(width * 0.55)) : width;
  const rightWidth = side ? width - leftWidth - 2 : width;
  const maxBuckets = Math.max(4, Math.min(12, (side ? height : Math.floor(height / 2)) - 4));
  const distribution = useMemo(() => (score && values ? scoreDistribution(score, values, maxBuckets) : null), [score, values, maxBuckets]);
  const matrices = model?.program.grades ?? [];
  const matrix = matrices[matrixAt % Math.max(1, matrices.length)];
  const cells = useMemo(() => (matrix && model ? gradeCells(matrix, model.grades.get(matrix.id) ?? []) : null), [matrix, model]);
  // Below the score tabs (and the chart, when stacked): the grade matrix, the title of the top list,
  // then the list. A terminal too short for the matrix and one row of the list leaves the matrix out:
  // ink would otherwise print the rows over each other.
  const note = state.pending ? 1 : 0;
  const below = side ? height - 1 - note : height - 1 - note - (distribution ? distribution.buckets.length + distribution.thresholds.length : 0);
  const showMatrix = cells !== null && cells.fit.length + 2 <= below - 2;
  const matrixLines = showMatrix ? cells.fit.length + 2 : 0;
  const topHeight = Math.max(1, below - matrixLines - 1);
  const top = useMemo(() => (values ? topPositions(values, 50) : []), [values]);
  const list = useListCursor(top.length, topHeight);

  const ready = active && model !== null && score !== undefined;
  useScreenKeys(ready, [['← →', 'other score'], ...(matrices.length > 1 ? ([['m', 'other grade matrix']] as const) : []), ['↑↓ j/k', 'top contacts'], ['⏎', 'explain the contact']]);
  useScreenKeys(active && !ready, []);
  useKeys((input, key) => {
    if (key.leftArrow || input === 'h') setWhich((w) => (w + scores.length - 1) % scores.length);
    else if (key.rightArrow || input === 'l') setWhich((w) => (w + 1) % scores.length);
    else if (input === 'm') setMatrixAt((m) => m + 1);
    else if (list.handle(input, key)) return;
    else if (isOpen(input, key) && top[list.cursor] !== undefined) navigate('contacts', { contact: top[list.cursor]! });
  }, ready);

  if (!active) return null;
  if (!model) return <Loading state={state} what="scores" />;
  if (!score || !distribution || !values) return <Text dimColor>  The program has no scoring models.</Text>;

  const chart = <ScoreChart distribution={distribution} width={leftWidth} />;
  const tabs = (
    <Text wrap="truncate-end">
      <Text dimColor>score </Text>
      {scores.map((s, i) => (
        <Text key={s.id}>
          {i > 0 ? ' ' : ''}
          {s.id === score.id ? <Text inverse bold>{`[${pendingLabel(state.pending, 'score', s.id)}]`}</Text> : <Text>{pendingLabel(state.pending, 'score', s.id)}</Text>}
        </Text>
      ))}
      <Text dimColor>{`  mean ${round(distribution.mean)} · min ${round(distribution.min)} · max ${round(distribution.max)}${score.cap !== undefined ? ` · cap ${score.cap}` : ''}${score.decay ? ` · decay ${score.decay.type === 'halfLife' ? `half-life ${score.decay.halfLife}` : `${score.decay.points} every ${score.decay.every}`}` : ''}`}</Text>
    </Text>
  );
  const panel = (
    <Box flexDirection="column" width={rightWidth}>
      {showMatrix && matrix ? <GradeMatrix name={matrix.id} cells={cells} fitScore={matrix.fit.score} engagementScore={matrix.engagement.score} /> : null}
      <Text bold>{`Top contacts by ${score.id}`}</Text>
      <VirtualList
        count={top.length}
        cursor={list.cursor}
        offset={list.offset}
        height={topHeight}
        width={rightWidth}
        empty="No contacts."
        renderRow={(i) => {
          const at = top[i]!;
          const contact = model.contacts[at]!;
          return <Text wrap="truncate-end"><Text color="yellow">{right(round(values[at]!), 6)}</Text>{`  ${model.columns.email(contact) || contact.id}`}</Text>;
        }}
      />
    </Box>
  );
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PendingNote pending={state.pending} type="score" what="score" />
      {tabs}
      {side ? (
        <Box>
          <Box width={leftWidth} marginRight={2} flexShrink={0}>{chart}</Box>
          {panel}
        </Box>
      ) : (
        <Box flexDirection="column">
          {chart}
          {panel}
        </Box>
      )}
    </Box>
  );
}
