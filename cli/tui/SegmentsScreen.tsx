import { Box } from 'ink';
import { useState } from 'react';
import { describeCondition } from '../../src/ir/describe-condition.ts';
import { pendingLabel } from '../../src/tui-support/pending-changes.ts';
import { Columns } from './Columns.tsx';
import { PendingNote } from './PendingNote.tsx';
import { count } from './format.ts';
import { isOpen } from './keys.ts';
import { Loading } from './Loading.tsx';
import { usePreview } from './preview-context.ts';
import type { ScreenProps } from './screens.ts';
import { SegmentDetail } from './SegmentDetail.tsx';
import { useKeys } from './use-keys.ts';
import { useListCursor } from './use-list-cursor.ts';
import { useNavigation } from './use-navigation.ts';
import { useScreenKeys } from './use-screen-keys.ts';
import { VirtualList } from './VirtualList.tsx';

/** 3 Segments: member counts; a segment's condition and its members, searchable. */
export function SegmentsScreen({ active, width, height }: ScreenProps) {
  const { state } = usePreview();
  const model = state.model;
  const [open, setOpen] = useState<string | null>(null);
  // The deployed segments, as the store's contacts are in them.
  const segments = model?.program.segments ?? [];
  const note = state.pending ? 1 : 0;
  const list = useListCursor(segments.length, height - 1 - note);

  useNavigation('segments', (request) => {
    const at = segments.findIndex((s) => s.id === request.segment);
    if (at < 0) return;
    list.set(at);
    setOpen(segments[at]!.id);
  });

  const listActive = active && open === null && model !== null;
  useScreenKeys(listActive, [['↑↓ j/k', 'move'], ['⏎', 'members and condition']]);
  useScreenKeys(active && !model, []);
  useKeys((input, key) => {
    if (list.handle(input, key)) return;
    const segment = segments[list.cursor];
    if (isOpen(input, key) && segment) setOpen(segment.id);
  }, listActive);

  if (!model) return active ? <Loading state={state} what="segments" /> : null;
  if (open !== null) return <SegmentDetail active={active} model={model} id={open} width={width} height={height} onBack={() => setOpen(null)} />;
  if (!active) return null;

  const labels = segments.map((s) => pendingLabel(state.pending, 'segment', s.id));
  const idWidth = Math.min(30, Math.max(8, ...labels.map((label) => label.length)));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PendingNote pending={state.pending} type="segment" what="segment" />
      <Box>
        <Box width={2} flexShrink={0} />
        <Columns cells={[{ text: 'segment', width: idWidth, dim: true }, { text: 'members', width: 9, align: 'right', dim: true }, { text: 'condition', width: 0, dim: true }]} />
      </Box>
      <VirtualList
        count={segments.length}
        cursor={list.cursor}
        offset={list.offset}
        height={height - 1 - note}
        width={width}
        empty="The program has no segments."
        renderRow={(i) => {
          const segment = segments[i]!;
          return <Columns cells={[{ text: labels[i]!, width: idWidth, bold: true }, { text: count(model.members.get(segment.id)?.length ?? 0), width: 9, align: 'right' }, { text: describeCondition(segment.where), width: 0, dim: true }]} />;
        }}
      />
    </Box>
  );
}
