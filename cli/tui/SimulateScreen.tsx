import { Box, Text } from 'ink';
import { useState } from 'react';
import { triggerText } from '../../src/tui-support/step-tree.ts';
import { Columns } from './Columns.tsx';
import { ContactPicker } from './ContactPicker.tsx';
import { isBack, isOpen } from './keys.ts';
import { Loading } from './Loading.tsx';
import { usePreview } from './preview-context.ts';
import type { ScreenId, ScreenProps } from './screens.ts';
import { SimulationView } from './SimulationView.tsx';
import { useKeys } from './use-keys.ts';
import { useListCursor } from './use-list-cursor.ts';
import { useNavigation } from './use-navigation.ts';
import { useScreenKeys } from './use-screen-keys.ts';
import { VirtualList } from './VirtualList.tsx';

type Stage = 'contact' | 'campaign' | 'run';

/** 8 Simulate: pick a contact and a campaign, then step through the journey on a simulated clock. */
export function SimulateScreen({ active, width, height }: ScreenProps) {
  const { state, show } = usePreview();
  const model = state.model;
  const campaigns = state.program?.campaigns ?? [];
  // Opened from another screen with a contact (or a campaign) chosen there: Esc goes back there.
  const [returnTo, setReturnTo] = useState<ScreenId | null>(null);
  const [stage, setStage] = useState<Stage>('contact');
  const [contact, setContact] = useState<number | null>(null);
  const [campaign, setCampaign] = useState<string | null>(null);
  const list = useListCursor(campaigns.length, height - 2);

  useNavigation('simulate', (request) => {
    setReturnTo(request.from === 'simulate' ? null : request.from);
    setContact(request.contact ?? null);
    setCampaign(request.campaign ?? null);
    if (request.campaign) {
      const at = campaigns.findIndex((c) => c.id === request.campaign);
      if (at >= 0) list.set(at);
    }
    setStage(request.contact === undefined ? 'contact' : request.campaign ? 'run' : 'campaign');
  });
  const leave = () => {
    show(returnTo!);
    setReturnTo(null);
  };

  const pickActive = active && stage === 'campaign' && model !== null;
  useScreenKeys(pickActive, [['↑↓ j/k', 'move'], ['⏎', 'simulate this campaign'], ['Esc', returnTo ? 'back' : 'another contact']]);
  useScreenKeys(active && !model, []);
  useKeys((input, key) => {
    if (list.handle(input, key)) return;
    if (isOpen(input, key) && campaigns[list.cursor]) {
      setCampaign(campaigns[list.cursor]!.id);
      setStage('run');
    } else if (isBack(input, key)) {
      if (returnTo) leave();
      else setStage('contact');
    }
  }, pickActive);

  if (!model) return active ? <Loading state={state} what="the simulator" /> : null;
  const person = contact === null ? undefined : model.contacts[contact];
  const picker = (
    <ContactPicker
      active={active && stage === 'contact'}
      model={model}
      width={width}
      height={height}
      title={<Text bold wrap="truncate-end">{campaign ? `Simulate ${campaign} for which contact?` : 'Simulate a journey: pick a contact'}</Text>}
      titleLines={1}
      pickLabel="simulate this contact"
      onPick={(index) => {
        setContact(index);
        setStage(campaign ? 'run' : 'campaign');
      }}
      empty="The store has no contacts to simulate."
      {...(returnTo ? { onBack: leave } : {})}
    />
  );
  // Mounted while hidden (the help, another screen): the simulation's state is its own (QA: `?` restarted it).
  if (stage === 'run' && person && campaign) {
    return <SimulationView key={`${person.id}/${campaign}`} active={active} model={model} contact={contact!} campaign={campaign} width={width} height={height} onBack={() => setStage('campaign')} />;
  }
  if (stage === 'contact' || !active) return picker;
  const idWidth = Math.min(26, Math.max(8, ...campaigns.map((c) => c.id.length)));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text dimColor>Simulate </Text>
        <Text bold>{person ? model.columns.email(person) || person.id : '?'}</Text>
        <Text dimColor> in which campaign? The contact is enrolled whatever the trigger and audience say.</Text>
      </Text>
      <Box>
        <Box width={2} flexShrink={0} />
        <Columns cells={[{ text: 'campaign', width: idWidth, dim: true }, { text: 'trigger', width: 0, dim: true }]} />
      </Box>
      <VirtualList
        count={campaigns.length}
        cursor={list.cursor}
        offset={list.offset}
        height={height - 2}
        width={width}
        empty="The program has no campaigns."
        renderRow={(i) => <Columns cells={[{ text: campaigns[i]!.id, width: idWidth, bold: true }, { text: triggerText(campaigns[i]!), width: 0, dim: true }]} />}
      />
    </Box>
  );
}

