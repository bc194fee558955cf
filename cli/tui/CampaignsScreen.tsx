import { useState } from 'react';
import { CampaignDetail } from './CampaignDetail.tsx';
import { CampaignList } from './CampaignList.tsx';
import { isOpen } from './keys.ts';
import { Loading } from './Loading.tsx';
import { usePreview } from './preview-context.ts';
import type { ScreenProps } from './screens.ts';
import { StepContacts } from './StepContacts.tsx';
import { useKeys } from './use-keys.ts';
import { useListCursor } from './use-list-cursor.ts';
import { useNavigation } from './use-navigation.ts';
import { useScreenKeys } from './use-screen-keys.ts';

type View = { kind: 'list' } | { kind: 'campaign'; id: string; step?: string } | { kind: 'step'; id: string; step: string };

/** 2 Campaigns: the list with trigger, status and enrollments; a campaign's steps as a tree; the contacts waiting in a step. */
export function CampaignsScreen({ active, width, height }: ScreenProps) {
  const { state } = usePreview();
  const model = state.model;
  const [view, setView] = useState<View>({ kind: 'list' });
  // The deployed program's campaigns: the store's enrollments are theirs.
  const campaigns = model?.program.campaigns ?? [];
  const list = useListCursor(campaigns.length, height - 1 - (state.pending || (model && !model.data.deployed) ? 1 : 0));

  useNavigation('campaigns', (request) => {
    const at = campaigns.findIndex((c) => c.id === request.campaign);
    if (at < 0) return;
    list.set(at);
    setView({ kind: 'campaign', id: campaigns[at]!.id });
  });

  const listActive = active && view.kind === 'list' && model !== null;
  useScreenKeys(listActive, [['↑↓ j/k', 'move'], ['⏎', 'show the steps']]);
  useKeys((input, key) => {
    if (list.handle(input, key)) return;
    const campaign = campaigns[list.cursor];
    if (isOpen(input, key) && campaign) setView({ kind: 'campaign', id: campaign.id });
  }, listActive);
  useScreenKeys(active && !model, []);

  if (!model) return active ? <Loading state={state} what="campaigns" /> : null;
  if (view.kind === 'campaign') {
    return <CampaignDetail active={active} model={model} id={view.id} step={view.step} width={width} height={height} onBack={() => setView({ kind: 'list' })} onStep={(step) => setView({ kind: 'step', id: view.id, step })} />;
  }
  if (view.kind === 'step') {
    return <StepContacts active={active} model={model} campaign={view.id} step={view.step} width={width} height={height} onBack={() => setView({ kind: 'campaign', id: view.id, step: view.step })} />;
  }
  if (!active) return null;
  return <CampaignList model={model} pending={state.pending} cursor={list.cursor} offset={list.offset} width={width} height={height} />;
}
