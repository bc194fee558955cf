import { useMemo } from 'react';
import type { EntityChange } from '../../src/planner/plan-types.ts';
import { entityLabel, formatValue, ACTION_SIGN } from '../../src/render/plan-format.ts';
import { wrap } from './format.ts';
import { isBack } from './keys.ts';
import { TextView } from './TextView.tsx';
import { useKeys } from './use-keys.ts';
import { useScreenKeys } from './use-screen-keys.ts';
import { useScroll } from './use-scroll.ts';

/** One entity change: where it is defined, and each field's value before (−) and after (+). */
export function FieldDiff({ active, change, width, height, onBack }: { active: boolean; change: EntityChange; width: number; height: number; onBack(): void }) {
  const lines = useMemo(() => {
    const out: string[] = [];
    // Long values wrap under themselves, after the − / + mark.
    const value = (mark: string, text: string) => wrap(text, Math.max(20, width - 7)).forEach((line, i) => out.push(`    ${i === 0 ? mark : ' '} ${line}`));
    out.push(`${ACTION_SIGN[change.action]} ${change.action} ${entityLabel(change)}${change.from ? ` (was "${change.from}")` : ''}${change.name ? ` — ${change.name}` : ''}`);
    if (change.source) out.push(`  defined at ${change.source.file}:${change.source.line}`);
    out.push('');
    if (change.fields.length === 0) out.push(change.action === 'delete' ? '  Deleted: nothing of it stays deployed.' : '  No field changes.');
    for (const field of change.fields) {
      out.push(`  ${field.path}  (${field.kind})`);
      if (field.kind !== 'added') value('−', formatValue(field.before, field.text, 10_000));
      if (field.kind !== 'removed') value('+', formatValue(field.after, field.text, 10_000));
    }
    return out;
  }, [change, width]);
  const scroll = useScroll(lines.length, height);
  useScreenKeys(active, [['↑↓ j/k', 'scroll'], ['Esc', 'back to the plan']]);
  useKeys((input, key) => {
    if (scroll.handle(input, key)) return;
    if (isBack(input, key)) onBack();
  }, active);
  if (!active) return null;
  return <TextView lines={lines} offset={scroll.offset} height={height} width={width} />;
}
