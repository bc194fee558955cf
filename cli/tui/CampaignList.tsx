import { Box, Text } from 'ink';
import { pendingLabel, type PendingChanges } from '../../src/tui-support/pending-changes.ts';
import type { PreviewModel } from '../../src/tui-support/preview-model.ts';
import { triggerText } from '../../src/tui-support/step-tree.ts';
import { Columns } from './Columns.tsx';
import { count } from './format.ts';
import { PendingNote } from './PendingNote.tsx';
import { VirtualList } from './VirtualList.tsx';

/**
 * The deployed campaigns with their status, enrollments (active, completed, exited) and trigger;
 * marked when the workspace changes them.
 */
export function CampaignList({ model, pending, cursor, offset, width, height }: { model: PreviewModel; pending: PendingChanges | null; cursor: number; offset: number; width: number; height: number }) {
  const campaigns = model.program.campaigns;
  const labels = campaigns.map((c) => pendingLabel(pending, 'campaign', c.id));
  const idWidth = Math.min(26, Math.max(8, ...labels.map((label) => label.length)));
  // Nothing deployed: the workspace's campaigns, none running yet (QA: all listed as "active", no note).
  const undeployed = !model.data.deployed;
  const note = pending || undeployed ? 1 : 0;
  const cells = (id: string, status: string, a: string, c: string, x: string, trigger: string, dim = false) => [
    { text: id, width: idWidth, dim, bold: !dim },
    { text: status, width: 6, dim, color: status === 'paused' ? 'yellow' : undefined },
    { text: a, width: 7, align: 'right' as const, dim },
    { text: c, width: 9, align: 'right' as const, dim },
    { text: x, width: 7, align: 'right' as const, dim },
    { text: trigger, width: 0, dim },
  ];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PendingNote pending={pending} type="campaign" what="campaign" />
      {undeployed ? <Text color="yellow" wrap="truncate-end">Nothing deployed yet: the workspace's campaigns, none running; the status is the one `campaign apply` deploys (see 6 Plan).</Text> : null}
      <Box>
        <Box width={2} flexShrink={0} />
        <Columns cells={cells('campaign', 'status', 'active', 'completed', 'exited', 'trigger', true)} />
      </Box>
      <VirtualList
        count={campaigns.length}
        cursor={cursor}
        offset={offset}
        height={height - 1 - note}
        width={width}
        empty="The program has no campaigns."
        renderRow={(i) => {
          const campaign = campaigns[i]!;
          const n = model.enrollmentCounts.get(campaign.id) ?? { active: 0, completed: 0, exited: 0 };
          return <Columns cells={cells(labels[i]!, campaign.status, count(n.active), count(n.completed), count(n.exited), triggerText(campaign))} />;
        }}
      />
    </Box>
  );
}
