import { Box, Text } from 'ink';
import { useState } from 'react';
import { colors } from '../../src/render/colors.ts';
import { renderDiagnosticsText } from '../../src/render/diagnostics-text.ts';
import { Columns } from './Columns.tsx';
import { deploymentText, showingText } from './deployment-text.ts';
import { count, plural, shortTime } from './format.ts';
import { isBack, isOpen } from './keys.ts';
import { LabeledLine } from './LabeledLine.tsx';
import { usePreview } from './preview-context.ts';
import type { ScreenProps } from './screens.ts';
import { TextView } from './TextView.tsx';
import { useKeys } from './use-keys.ts';
import { useListCursor } from './use-list-cursor.ts';
import { useScreenKeys } from './use-screen-keys.ts';
import { useScroll } from './use-scroll.ts';
import { ValidationLine } from './ValidationLine.tsx';
import { VirtualList } from './VirtualList.tsx';

/** 1 Overview: workspace, validation (diagnostics with code frames), store, deployment, counts. */
export function OverviewScreen({ active, width, height }: ScreenProps) {
  const { state, color } = usePreview();
  const diagnostics = state.compiled?.diagnostics ?? [];
  const [open, setOpen] = useState<number | null>(null);
  const headerLines = 9;
  const listHeight = Math.max(1, height - headerLines - 1);
  const list = useListCursor(diagnostics.length, listHeight);
  const opened = open === null ? null : diagnostics[open];
  const frame = opened ? renderDiagnosticsText([opened], state.readSource, colors(color)).split('\n') : [];
  const scroll = useScroll(frame.length, height - 1);

  useScreenKeys(active, opened ? [['↑↓', 'scroll'], ['Esc', 'back to the overview']] : diagnostics.length ? [['↑↓ j/k', 'select a diagnostic'], ['⏎', 'show its code frame']] : []);
  useKeys((input, key) => {
    if (opened) {
      if (isBack(input, key)) setOpen(null);
      else scroll.handle(input, key);
      return;
    }
    if (list.handle(input, key)) return;
    if (isOpen(input, key) && diagnostics.length) {
      scroll.reset();
      setOpen(list.cursor);
    }
  }, active);
  if (!active) return null;

  if (opened) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text bold>{`Diagnostic ${open! + 1} of ${diagnostics.length}`}</Text>
        <TextView lines={frame} offset={scroll.offset} height={height - 1} width={width} wrapLine={(line) => !/^\s+(\x1b\[[\d;]*m)*\s*\d*\s*\|/.test(line)} />
      </Box>
    );
  }

  const data = state.data;
  // The counts are of the program the screens show, the deployed one while a change is pending
  // (`showingText`), as the static summary's: not the workspace's beside "the store as deployed" (QA).
  const program = state.model?.program ?? state.program;
  const deployment = deploymentText(state);
  const outboxPending = data ? data.outbox.filter((m) => m.status === 'pending' || m.status === 'deferred').length : 0;
  const activeEnrollments = data ? data.enrollments.filter((e) => e.status === 'active').length : 0;
  const files = state.compiled?.files.length ?? 0;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <LabeledLine label="Workspace">
        {state.workspace}
        <Text dimColor>{state.compiled ? ` · ${plural(files, 'module')} · compiled in ${Math.round(state.timings.compileMs)} ms` : ' · compiling…'}</Text>
      </LabeledLine>
      <LabeledLine label="Validation">{state.compiled ? <ValidationLine diagnostics={diagnostics} ok={state.compiled.ok} /> : <Text dimColor>…</Text>}</LabeledLine>
      <LabeledLine label="Store">
        {state.store ?? '…'}
        {data ? <Text dimColor>{` · serial ${data.serial} · clock ${shortTime(data.clock)}`}</Text> : null}
      </LabeledLine>
      {state.phase === 'failed' ? (
        // Why nothing is shown, instead of "no store yet" for a store that could not be read or used.
        <Box>
          <Box width={12} flexShrink={0}>
            <Text bold>Failed</Text>
          </Box>
          <Box flexGrow={1} flexShrink={1}>
            <Text color="red">{state.error ?? 'the preview could not load'}</Text>
          </Box>
        </Box>
      ) : (
        <>
          <LabeledLine label="Deployed">
            <Text color={deployment.differs ? 'yellow' : undefined}>{state.phase === 'compiling' ? '…' : deployment.text}</Text>
          </LabeledLine>
          <LabeledLine label="Showing">
            {showingText(state)}
            <Text dimColor>{state.program ? `, evaluated as of ${shortTime(state.now)}` : ''}</Text>
          </LabeledLine>
        </>
      )}
      <Text> </Text>
      <Columns
        cells={[
          { text: `${program ? program.segments.length : '–'} segments`, width: 12 },
          { text: `${program ? program.scores.length : '–'} scores`, width: 9 },
          { text: `${program ? program.campaigns.length : '–'} campaigns`, width: 13 },
          { text: `${program ? program.templates.length : '–'} templates`, width: 13 },
          { text: `${data ? count(data.contacts.length) : '–'} contacts`, width: 20 },
        ]}
      />
      <Text dimColor wrap="truncate-end">
        {data ? `${count(data.enrollments.length)} enrollments (${count(activeEnrollments)} active) · ${count(data.outbox.length)} emails (${count(outboxPending)} pending) · ${count(data.events.length)} events` : ' '}
      </Text>
      <Text bold>{diagnostics.length ? `Diagnostics (${diagnostics.length}) — ⏎ shows the code frame` : 'Diagnostics: none'}</Text>
      {diagnostics.length ? (
        <VirtualList
          count={diagnostics.length}
          cursor={list.cursor}
          offset={list.offset}
          height={listHeight}
          width={width}
          renderRow={(i) => {
            const d = diagnostics[i]!;
            const where = d.file ? `${d.file}${d.range ? `:${d.range.start.line}:${d.range.start.column}` : ''}` : '';
            return (
              <Columns
                cells={[
                  { text: d.severity, width: 7, color: d.severity === 'error' ? 'red' : 'yellow' },
                  { text: d.code, width: 6, dim: true },
                  { text: `${d.message}${where ? `  ${where}` : ''}`, width: 0 },
                ]}
              />
            );
          }}
        />
      ) : null}
    </Box>
  );
}
