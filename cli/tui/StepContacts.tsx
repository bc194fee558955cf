import { Text } from 'ink';
import { useMemo } from 'react';
import { stepKey, type PreviewModel } from '../../src/tui-support/preview-model.ts';
import type { Enrollment } from '../../src/store/types.ts';
import { ContactPicker } from './ContactPicker.tsx';
import { count, shortTime } from './format.ts';
import { usePreview } from './preview-context.ts';

function whereText(e: Enrollment): string {
  if (e.waitingFor) return `${e.waitingFor.event}, until ${shortTime(e.wakeAt, true)}`;
  if (e.phase === 'pending') return `runs ${shortTime(e.wakeAt, true)}`;
  return e.wakeAt ? `until ${shortTime(e.wakeAt, true)}` : 'until its goal';
}

/** The contacts waiting in one step of a campaign (the enrollments the store holds there). */
export function StepContacts({ active, model, campaign, step, width, height, onBack }: { active: boolean; model: PreviewModel; campaign: string; step: string; width: number; height: number; onBack(): void }) {
  const { navigate } = usePreview();
  const { pool, byPosition } = useMemo(() => {
    const enrollments = model.atStep.get(stepKey(campaign, step)) ?? [];
    const byPosition = new Map<number, Enrollment>();
    for (const e of enrollments) {
      const at = model.position.get(e.contact);
      if (at !== undefined) byPosition.set(at, e);
    }
    return { pool: [...byPosition.keys()].sort((a, b) => a - b), byPosition };
  }, [model, campaign, step]);
  const waitsForEvent = [...byPosition.values()].some((e) => e.waitingFor);
  return (
    <ContactPicker
      active={active}
      model={model}
      width={width}
      height={height}
      pool={pool}
      title={<Text wrap="truncate-end"><Text bold>{`${campaign} › ${step}`}</Text><Text dimColor>{`  ${count(pool.length)} waiting`}</Text></Text>}
      titleLines={1}
      pickLabel="explain the contact"
      onPick={(index) => navigate('contacts', { contact: index })}
      onBack={onBack}
      extra={{ label: 'waiting', width: Math.min(waitsForEvent ? 36 : 23, Math.floor(width / 3)), text: (i) => whereText(byPosition.get(i)!) }}
      empty="No contact waits in this step."
    />
  );
}
