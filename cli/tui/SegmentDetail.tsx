import { Box, Text } from 'ink';
import { describeCondition } from '../../src/ir/describe-condition.ts';
import type { PreviewModel } from '../../src/tui-support/preview-model.ts';
import { ContactPicker } from './ContactPicker.tsx';
import { count, wrap } from './format.ts';
import { usePreview } from './preview-context.ts';

/** A segment: its condition in words and its members, searchable; ⏎ explains a member. */
export function SegmentDetail({ active, model, id, width, height, onBack }: { active: boolean; model: PreviewModel; id: string; width: number; height: number; onBack(): void }) {
  const { navigate } = usePreview();
  const segment = model.program.segments.find((s) => s.id === id);
  const members = model.members.get(id) ?? [];
  const condition = segment ? wrap(describeCondition(segment.where), width - 6) : [];
  const shown = condition.slice(0, 3);
  if (condition.length > 3) shown[2] = `${shown[2]!.slice(0, Math.max(0, width - 8))}…`;
  const title = (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{id}</Text>
        <Text>{segment && segment.name !== id ? ` — ${segment.name}` : ''}</Text>
        <Text color="yellow">{`  ${count(members.length)} members`}</Text>
        <Text dimColor>{` of ${count(model.contacts.length)}`}</Text>
      </Text>
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate-end"><Text dimColor>{i === 0 ? 'where ' : '      '}</Text>{line}</Text>
      ))}
    </Box>
  );
  return (
    <ContactPicker
      active={active}
      model={model}
      width={width}
      height={height}
      pool={members}
      title={title}
      titleLines={1 + shown.length}
      pickLabel="explain the contact"
      onPick={(index) => navigate('contacts', { contact: index })}
      onBack={onBack}
      empty="No contact is in this segment."
    />
  );
}
