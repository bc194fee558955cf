import { Box, Text } from 'ink';
import { useState } from 'react';
import { Columns } from './Columns.tsx';
import { ContactPicker } from './ContactPicker.tsx';
import { EmailPreviewView } from './EmailPreviewView.tsx';
import { isBack, isOpen } from './keys.ts';
import { Loading } from './Loading.tsx';
import { usePreview } from './preview-context.ts';
import { SCREENS, type ScreenId, type ScreenProps } from './screens.ts';
import { useKeys } from './use-keys.ts';
import { useListCursor } from './use-list-cursor.ts';
import { useNavigation } from './use-navigation.ts';
import { useScreenKeys } from './use-screen-keys.ts';
import { VirtualList } from './VirtualList.tsx';

type View = 'list' | 'preview' | 'pick';

/** 7 Email: a template rendered for a chosen contact, with the headers delivery would send. */
export function EmailScreen({ active, width, height }: ScreenProps) {
  const { state, show } = usePreview();
  const model = state.model;
  const templates = state.program?.templates ?? [];
  const [returnTo, setReturnTo] = useState<ScreenId | null>(null);
  const [view, setView] = useState<View>('list');
  const [back, setBack] = useState<View>('list');
  const [contact, setContact] = useState(0);
  const list = useListCursor(templates.length, height - 2);

  useNavigation('email', (request) => {
    setReturnTo(request.from === 'email' ? null : request.from);
    if (request.contact !== undefined) setContact(request.contact);
    if (request.template) {
      const at = templates.findIndex((t) => t.id === request.template);
      if (at >= 0) {
        list.set(at);
        setView('preview');
      }
    }
  });

  const listActive = active && view === 'list' && model !== null;
  const backTo = returnTo ? SCREENS.find((s) => s.id === returnTo)!.label : null;
  useScreenKeys(listActive, [['↑↓ j/k', 'move'], ['⏎', 'preview'], ['c', 'choose the contact'], ...(backTo ? ([['Esc', `back to ${backTo}`]] as const) : [])]);
  useScreenKeys(active && !model, []);
  useKeys((input, key) => {
    if (list.handle(input, key)) return;
    if (isOpen(input, key) && templates[list.cursor]) setView('preview');
    else if (input === 'c') {
      setBack('list');
      setView('pick');
    } else if (isBack(input, key) && returnTo) {
      setReturnTo(null);
      show(returnTo);
    }
  }, listActive);

  if (!model) return active ? <Loading state={state} what="templates" /> : null;
  const person = model.contacts[contact];
  const template = templates[list.cursor];
  const pick = (
    <ContactPicker
      active={active && view === 'pick'}
      model={model}
      width={width}
      height={height}
      title={<Text bold>Preview the email for which contact?</Text>}
      titleLines={1}
      pickLabel="use this contact"
      onPick={(index) => {
        setContact(index);
        setView(back);
      }}
      onBack={() => setView(back)}
    />
  );
  if (view === 'pick' || !active) return pick;
  if (view === 'preview' && template && person) {
    return (
      <EmailPreviewView
        active={active}
        model={model}
        template={template}
        contact={contact}
        width={width}
        height={height}
        onBack={() => setView('list')}
        onPickContact={() => {
          setBack('preview');
          setView('pick');
        }}
      />
    );
  }
  const idWidth = Math.min(28, Math.max(8, ...templates.map((t) => t.id.length)));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text dimColor>for </Text>
        {person ? <Text bold>{`${model.columns.email(person) || person.id}`}</Text> : <Text color="yellow">no contact in the store: import some to preview emails</Text>}
        {person ? <Text dimColor>{` (${person.id}) — c to choose another contact`}</Text> : null}
      </Text>
      <Box>
        <Box width={2} flexShrink={0} />
        <Columns cells={[{ text: 'template', width: idWidth, dim: true }, { text: 'kind', width: 13, dim: true }, { text: 'subject', width: 0, dim: true }]} />
      </Box>
      <VirtualList
        count={templates.length}
        cursor={list.cursor}
        offset={list.offset}
        height={height - 2}
        width={width}
        empty="The program has no email templates."
        renderRow={(i) => {
          const t = templates[i]!;
          return <Columns cells={[{ text: t.id, width: idWidth, bold: true }, { text: t.kind, width: 13, color: t.kind === 'marketing' ? 'cyan' : 'magenta' }, { text: t.subject, width: 0 }]} />;
        }}
      />
    </Box>
  );
}
