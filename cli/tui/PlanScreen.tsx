import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { planChanges } from '../../src/planner/build-plan.ts';
import type { Plan } from '../../src/planner/plan-types.ts';
import type { Transition } from '../../src/planner/transition-types.ts';
import { FieldDiff } from './FieldDiff.tsx';
import { count } from './format.ts';
import { ImpactContactsView } from './ImpactContactsView.tsx';
import { Loading } from './Loading.tsx';
import type { PlanView } from './plan-rows.ts';
import { PlanList } from './PlanList.tsx';
import { PlanMessage } from './PlanMessage.tsx';
import { usePreview } from './preview-context.ts';
import type { PreviewState } from './preview-session.ts';
import type { ScreenProps } from './screens.ts';
import { useScreenKeys } from './use-screen-keys.ts';

type Computed = { plan: Plan; transition: Transition } | { error: string };

/** The plan `campaign plan` would show, made by the planner for the workspace against the store. */
function computePlan(state: PreviewState): Computed {
  const compiled = state.compiled;
  if (!compiled?.ok || !compiled.program) return { error: 'The workspace has errors, so there is no plan: fix them (see 1 Overview) and open the preview again.' };
  const { plan, transition } = planChanges({
    next: compiled.program,
    store: state.data,
    now: new Date(state.now).toISOString(),
    sources: compiled.sources,
    unprocessedEvents: state.unprocessedEvents,
  });
  return { plan, transition };
}

/** 6 Plan: the pending plan — entity changes with their field diffs, impact with the contacts behind each number. */
export function PlanScreen({ active, width, height }: ScreenProps) {
  const { state } = usePreview();
  const model = state.model;
  const [computed, setComputed] = useState<Computed | null>(null);
  const [view, setView] = useState<PlanView>({ kind: 'list' });
  // The planner evaluates every contact under both programs: only when the screen is opened, once.
  useEffect(() => {
    if (!active || computed || !model) return;
    // Later than ink's next frame (it draws at most every ~33 ms): the footer's keys, set by the
    // render that showed "Planning…", must be on screen before the planner holds the thread.
    const timer = setTimeout(() => {
      try {
        setComputed(computePlan(state));
      } catch (error) {
        setComputed({ error: `The planner failed: ${(error as Error).message}` });
      }
    }, 100);
    return () => clearTimeout(timer);
  }, [active, computed, model]);

  useScreenKeys(active && (!model || !computed || 'error' in computed), []);
  if (!model) return active ? <Loading state={state} what="the plan" /> : null;
  if (!computed) {
    if (!active) return null;
    return (
      <Box paddingLeft={2} paddingTop={1}>
        <Text color="yellow">{`Planning: evaluating ${count(model.contacts.length)} contacts under the deployed and the workspace programs…`}</Text>
      </Box>
    );
  }
  if ('error' in computed) {
    if (!active) return null;
    return (
      <Box paddingLeft={1} paddingTop={1} width={width}>
        <Text color="red" wrap="wrap">{computed.error}</Text>
      </Box>
    );
  }
  return (
    <>
      <PlanList active={active && view.kind === 'list'} plan={computed.plan} width={width} height={height} onOpen={setView} />
      {view.kind === 'diff' ? <FieldDiff active={active} change={view.change} width={width} height={height} onBack={() => setView({ kind: 'list' })} /> : null}
      {view.kind === 'message' ? <PlanMessage active={active} row={view.row} width={width} height={height} onBack={() => setView({ kind: 'list' })} /> : null}
      {view.kind === 'contacts' ? <ImpactContactsView active={active} model={model} transition={computed.transition} title={view.title} selector={view.selector} width={width} height={height} onBack={() => setView({ kind: 'list' })} /> : null}
    </>
  );
}
