import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { describeCondition } from '../../src/ir/describe-condition.ts';
import { allSteps, findCampaign } from '../../src/ir/walk.ts';
import { describeReentry, describeWindow } from '../../src/planner/describe-step.ts';
import { stepKey, type PreviewModel } from '../../src/tui-support/preview-model.ts';
import { stepTree, triggerText, type StepTreeRow } from '../../src/tui-support/step-tree.ts';
import { Columns } from './Columns.tsx';
import { count } from './format.ts';
import { isBack, isOpen } from './keys.ts';
import { LabeledLine } from './LabeledLine.tsx';
import { usePreview } from './preview-context.ts';
import { useKeys } from './use-keys.ts';
import { useListCursor } from './use-list-cursor.ts';
import { useScreenKeys } from './use-screen-keys.ts';
import { VirtualList } from './VirtualList.tsx';

interface Row extends StepTreeRow {
  waiting: number;
}

/** One campaign: trigger, audience, exit criteria, and its steps as a tree with the contacts waiting in each. */
export function CampaignDetail({ active, model, id, step, width, height, onBack, onStep }: { active: boolean; model: PreviewModel; id: string; step?: string; width: number; height: number; onBack(): void; onStep(step: string): void }) {
  const { navigate } = usePreview();
  const campaign = findCampaign(model.program, id);
  const rows = useMemo<Row[]>(() => {
    if (!campaign) return [];
    const tree = stepTree(campaign, model.program).map((row) => ({ ...row, waiting: row.step ? (model.atStep.get(stepKey(id, row.step.id))?.length ?? 0) : 0 }));
    // Contacts waiting in steps this program no longer has (renamed or removed: see the plan).
    const known = new Set(allSteps(campaign.steps).map((s) => s.id));
    const prefix = `${id}/`;
    for (const [key, list] of model.atStep) {
      if (key.startsWith(prefix) && !known.has(key.slice(prefix.length))) {
        tree.push({ prefix: '?  ', kind: 'step', label: key.slice(prefix.length), type: 'missing', detail: 'not in this program (renamed or removed)', waiting: list.length });
      }
    }
    return tree;
  }, [model, id]);
  const header = 6;
  // Back from a step's contacts, the cursor is on that step again.
  const list = useListCursor(rows.length, Math.max(1, height - header - 1), Math.max(0, rows.findIndex((r) => r.kind === 'step' && (r.step?.id ?? r.label) === step)));

  useScreenKeys(active, [['↑↓ j/k', 'move'], ['⏎', 'contacts waiting in the step'], ['s', 'simulate'], ['Esc', 'back']]);
  useKeys((input, key) => {
    if (list.handle(input, key)) return;
    const row = rows[list.cursor];
    if (isOpen(input, key) && row?.kind === 'step') onStep(row.step?.id ?? row.label);
    else if (input === 's') navigate('simulate', { campaign: id });
    else if (isBack(input, key)) onBack();
  }, active);

  if (!active) return null;
  if (!campaign) {
    return <Text color="red">{`No campaign "${id}" in the program.`}</Text>;
  }
  const n = model.enrollmentCounts.get(id) ?? { active: 0, completed: 0, exited: 0 };
  const labelWidth = Math.min(Math.floor(width * 0.45), Math.max(12, ...rows.map((r) => r.prefix.length + r.label.length)) + 1);
  const reentry = describeReentry(campaign.reentry);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text bold>{campaign.id}</Text>
        <Text>{campaign.name !== campaign.id ? ` — ${campaign.name}` : ''}</Text>
        <Text color={campaign.status === 'active' ? 'green' : 'yellow'}>{`  ${campaign.status}`}</Text>
        <Text dimColor>{`  ${count(n.active)} active · ${count(n.completed)} completed · ${count(n.exited)} exited`}</Text>
      </Text>
      <LabeledLine label="trigger" labelWidth={10} dimLabel>{triggerText(campaign)}</LabeledLine>
      <LabeledLine label="audience" labelWidth={10} dimLabel>{campaign.audience ? describeCondition(campaign.audience) : 'everyone'}</LabeledLine>
      <LabeledLine label="exit when" labelWidth={10} dimLabel>{campaign.exitWhen ? describeCondition(campaign.exitWhen) : '—'}</LabeledLine>
      <LabeledLine label="re-entry" labelWidth={10} dimLabel>{`${reentry}${campaign.sendWindow ? ` · sends ${describeWindow(campaign.sendWindow)} (the contact's time)` : ''}`}</LabeledLine>
      <Box>
        <Box width={2} flexShrink={0} />
        <Columns
          cells={[
            { text: 'step', width: labelWidth, dim: true },
            { text: 'type', width: 10, dim: true },
            { text: 'waiting', width: 7, align: 'right', dim: true },
            { text: 'details', width: 0, dim: true },
          ]}
        />
      </Box>
      <VirtualList
        count={rows.length}
        cursor={list.cursor}
        offset={list.offset}
        height={Math.max(1, height - header - 1)}
        width={width}
        empty="This campaign has no steps."
        renderRow={(i) => {
          const row = rows[i]!;
          if (row.kind === 'arm') {
            return <Text wrap="truncate-end"><Text dimColor>{row.prefix}</Text><Text color="magenta">{row.label}</Text></Text>;
          }
          return (
            <Box>
              <Box width={labelWidth} flexShrink={0} marginRight={1}>
                <Text wrap="truncate-end"><Text dimColor>{row.prefix}</Text><Text bold>{row.label}</Text></Text>
              </Box>
              <Columns
                cells={[
                  { text: row.type ?? '', width: 10, color: row.type === 'missing' ? 'red' : 'cyan' },
                  { text: row.waiting ? count(row.waiting) : '·', width: 7, align: 'right', dim: row.waiting === 0, color: row.waiting ? 'yellow' : undefined },
                  { text: row.detail ?? '', width: 0 },
                ]}
              />
            </Box>
          );
        }}
      />
    </Box>
  );
}
