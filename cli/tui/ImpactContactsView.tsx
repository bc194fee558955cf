import { Text } from 'ink';
import { useMemo } from 'react';
import type { Transition } from '../../src/planner/transition-types.ts';
import type { Enrollment } from '../../src/store/types.ts';
import { impactContacts, type ImpactSelector } from '../../src/tui-support/impact-contacts.ts';
import { stepKey, type PreviewModel } from '../../src/tui-support/preview-model.ts';
import { ContactPicker } from './ContactPicker.tsx';
import { count } from './format.ts';
import { usePreview } from './preview-context.ts';

/** The store's active enrollments an enrollments selector is about: at its step, or anywhere in its campaign. */
function activeEnrollments(model: PreviewModel, selector: ImpactSelector): Enrollment[] {
  if (selector.kind !== 'enrollments') return [];
  if (selector.step !== undefined) return model.atStep.get(stepKey(selector.campaign, selector.step)) ?? [];
  const prefix = stepKey(selector.campaign, '');
  return [...model.atStep].flatMap(([key, list]) => (key.startsWith(prefix) ? list : []));
}

/** The contacts behind one impact number of the plan, with what applying does to each. */
export function ImpactContactsView({ active, model, transition, title, selector, width, height, onBack }: { active: boolean; model: PreviewModel; transition: Transition; title: string; selector: ImpactSelector; width: number; height: number; onBack(): void }) {
  const { navigate } = usePreview();
  const { pool, detail } = useMemo(() => {
    const detail = new Map<number, string>();
    for (const { contact, detail: text } of impactContacts(transition, selector, activeEnrollments(model, selector))) {
      const at = model.position.get(contact);
      if (at !== undefined) detail.set(at, text);
    }
    return { pool: [...detail.keys()].sort((a, b) => a - b), detail };
  }, [model, transition, selector]);
  return (
    <ContactPicker
      active={active}
      model={model}
      width={width}
      height={height}
      pool={pool}
      title={<Text wrap="truncate-end"><Text bold>{title}</Text><Text dimColor>{`  ${count(pool.length)} contacts, as the plan counts them`}</Text></Text>}
      titleLines={1}
      pickLabel="explain the contact"
      onPick={(index) => navigate('contacts', { contact: index })}
      onBack={onBack}
      extra={{ label: 'on apply', width: Math.min(26, Math.floor(width / 4)), text: (i) => detail.get(i) ?? '' }}
      empty="No contact."
    />
  );
}
