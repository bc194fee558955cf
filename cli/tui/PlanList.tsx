import { Box, Text } from 'ink';
import { useMemo, useReducer, useRef } from 'react';
import type { Plan } from '../../src/planner/plan-types.ts';
import { summaryLine } from '../../src/render/plan-text.ts';
import { wrap } from './format.ts';
import { isDown, isEnd, isHome, isOpen, isPageDown, isPageUp, isUp } from './keys.ts';
import { planRows, type PlanRow, type PlanView } from './plan-rows.ts';
import { useKeys } from './use-keys.ts';
import { scrollWindow } from './use-list-cursor.ts';
import { useScreenKeys } from './use-screen-keys.ts';
import { VirtualList } from './VirtualList.tsx';

/** The plan as rows: its summary, changes, impact, errors and warnings; ⏎ opens the selected one. */
export function PlanList({ active, plan, width, height, onOpen }: { active: boolean; plan: Plan; width: number; height: number; onOpen(view: PlanView): void }) {
  const rows = useMemo(() => planRows(plan), [plan]);
  const stops = useMemo(() => rows.flatMap((row, i) => (selectable(row) ? [i] : [])), [rows]);
  const summary = wrap(summaryLine(plan), width).slice(0, 2);
  const listHeight = Math.max(1, height - summary.length - 2);
  const place = useRef({ stop: 0, offset: 0 });
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const current = stops[Math.min(place.current.stop, stops.length - 1)];
  // The window follows the selected row, and shows the heading above the first one.
  const shown = scrollWindow(current ?? 0, place.current.offset, listHeight, rows.length);
  const offset = place.current.stop === 0 ? 0 : shown.offset;
  place.current.offset = offset;
  const go = (stop: number) => {
    place.current.stop = Math.max(0, Math.min(stops.length - 1, stop));
    redraw();
  };
  const row = current === undefined ? undefined : rows[current];
  const openLabel = row?.kind === 'change' ? 'field diff' : row?.kind === 'impact' ? 'the contacts' : 'the whole message';
  useScreenKeys(active, stops.length ? [['↑↓ j/k', 'move'], ['⏎', openLabel]] : []);
  useKeys((input, key) => {
    const at = place.current.stop;
    if (isUp(input, key)) go(at - 1);
    else if (isDown(input, key)) go(at + 1);
    else if (isPageDown(input, key)) go(at + Math.max(1, listHeight - 2));
    else if (isPageUp(input, key)) go(at - Math.max(1, listHeight - 2));
    else if (isHome(input, key)) go(0);
    else if (isEnd(input, key)) go(stops.length - 1);
    else if (isOpen(input, key) && row) {
      if (row.change) onOpen({ kind: 'diff', change: row.change });
      else if (row.contacts) onOpen({ kind: 'contacts', ...row.contacts });
      else onOpen({ kind: 'message', row });
    }
  }, active);
  if (!active) return null;
  return (
    <Box flexDirection="column" width={width} height={height}>
      {summary.map((line, i) => (
        <Text key={i} bold={i === 0} wrap="truncate-end">{line}</Text>
      ))}
      <Text dimColor wrap="truncate-end">{plan.summary.errors > 0 ? 'It cannot be applied: fix the errors, then open the preview again.' : plan.summary.changes ? 'Not applied yet: `campaign plan --out plan.json` saves it, `campaign apply` applies it.' : 'Nothing to apply.'}</Text>
      {/* The preview's time is the store's clock (or --now); `campaign plan` plans at the later of the clock and the store's (QA: this said "the current time"). */}
      <Text dimColor wrap="truncate-end">{`Same as \`campaign plan --now ${plan.now.replace('.000Z', 'Z')}\` (default: now, or the store's clock if later).`}</Text>
      <VirtualList
        count={rows.length}
        cursor={current ?? -1}
        offset={offset}
        height={listHeight}
        width={width}
        renderRow={(i) => {
          const r = rows[i]!;
          if (r.kind === 'heading') return <Text bold wrap="truncate-end">{r.text}</Text>;
          return (
            <Text wrap="truncate-end" color={r.color} dimColor={r.dim ?? false}>
              {`${'  '.repeat(Math.max(0, r.depth - 1))}${r.text}`}
            </Text>
          );
        }}
      />
    </Box>
  );
}

/** The rows ⏎ opens. */
function selectable(row: PlanRow): boolean {
  return row.kind === 'change' || row.kind === 'impact' || row.kind === 'error' || row.kind === 'warning';
}
