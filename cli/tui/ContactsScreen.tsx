import { useState } from 'react';
import { ContactExplanationView } from './ContactExplanationView.tsx';
import { ContactPicker } from './ContactPicker.tsx';
import { Loading } from './Loading.tsx';
import { usePreview } from './preview-context.ts';
import { SCREENS, type ScreenId, type ScreenProps } from './screens.ts';
import { useNavigation } from './use-navigation.ts';
import { useScreenKeys } from './use-screen-keys.ts';

/** 5 Contacts: find a contact by email, name or id, and explain it as `campaign contact` does. */
export function ContactsScreen({ active, width, height }: ScreenProps) {
  const { state, show } = usePreview();
  const model = state.model;
  const [open, setOpen] = useState<number | null>(null);
  const [returnTo, setReturnTo] = useState<ScreenId | null>(null);
  useNavigation('contacts', (request) => {
    if (request.contact === undefined) return;
    setOpen(request.contact);
    setReturnTo(request.from === 'contacts' ? null : request.from);
  });
  const back = () => {
    setOpen(null);
    if (returnTo) show(returnTo);
    setReturnTo(null);
  };
  useScreenKeys(active && !model, []);
  if (!model) return active ? <Loading state={state} what="contacts" /> : null;
  return (
    <>
      {open !== null ? <ContactExplanationView active={active} model={model} index={open} width={width} height={height} onBack={back} backLabel={returnTo ? `back to ${SCREENS.find((s) => s.id === returnTo)!.label}` : 'back to the search'} /> : null}
      <ContactPicker
      active={active && open === null}
      model={model}
      width={width}
      height={height}
      pickLabel="explain"
      onPick={setOpen}
      empty="The store has no contacts yet (`campaign contacts import FILE`)."
      />
    </>
  );
}
