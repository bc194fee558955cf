import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { colors } from '../../src/render/colors.ts';
import { renderContactExplanation } from '../../src/render/contact-text.ts';
import { explainContact } from '../../src/runtime/explain.ts';
import type { PreviewModel } from '../../src/tui-support/preview-model.ts';
import { isBack } from './keys.ts';
import { usePreview } from './preview-context.ts';
import { TextView } from './TextView.tsx';
import { useKeys } from './use-keys.ts';
import { useScreenKeys } from './use-screen-keys.ts';
import { useScroll } from './use-scroll.ts';

/** One contact explained as `campaign contact` explains it, scrollable. */
export function ContactExplanationView({ active, model, index, width, height, onBack, backLabel }: { active: boolean; model: PreviewModel; index: number; width: number; height: number; onBack(): void; backLabel: string }) {
  const { state, color, navigate } = usePreview();
  const contact = model.contacts[index]!;
  const lines = useMemo(() => {
    // As `campaign contact` explains it: with the deployed program (what the store's journeys run), else the workspace's.
    const program = model.data.deployed?.program ?? model.program;
    const explanation = explainContact(model.data, program, contact, model.now);
    const text = renderContactExplanation(explanation, colors(color), { deployed: model.data.deployed !== null });
    return text.split('\n');
  }, [model, contact, color]);
  const scroll = useScroll(lines.length, height - 1);
  useScreenKeys(active, [['↑↓ j/k', 'scroll'], ['e', 'email preview'], ['s', 'simulate'], ['Esc', backLabel]]);
  useKeys((input, key) => {
    if (scroll.handle(input, key)) return;
    if (input === 'e') navigate('email', { contact: index });
    else if (input === 's') navigate('simulate', { contact: index });
    else if (isBack(input, key)) onBack();
  }, active);
  if (!active) return null;
  const differs = state.deployedHash !== null && state.workspaceHash !== null && state.deployedHash !== state.workspaceHash;
  const source = state.deployedHash === null ? 'the workspace program' : differs ? 'the deployed program (the workspace differs: 6 Plan)' : 'the deployed program';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text dimColor wrap="truncate-end">{`Explained with ${source}, as \`campaign contact ${contact.id}\` does · lines ${scroll.offset + 1}–${Math.min(lines.length, scroll.offset + height - 1)} of ${lines.length}`}</Text>
      <TextView lines={lines} offset={scroll.offset} height={height - 1} width={width} />
    </Box>
  );
}
