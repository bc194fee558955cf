import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { Template } from '../../src/ir/types.ts';
import { previewEmail, type EmailPreview } from '../../src/tui-support/email-preview.ts';
import type { PreviewModel } from '../../src/tui-support/preview-model.ts';
import { wrap } from './format.ts';
import { isBack } from './keys.ts';
import { usePreview } from './preview-context.ts';
import { TextView } from './TextView.tsx';
import { useKeys } from './use-keys.ts';
import { useScreenKeys } from './use-screen-keys.ts';
import { useScroll } from './use-scroll.ts';

/** A template rendered for one contact: the headers delivery sends, whether it would send it, and the text. */
export function EmailPreviewView({ active, model, template, contact, width, height, onBack, onPickContact }: { active: boolean; model: PreviewModel; template: Template; contact: number; width: number; height: number; onBack(): void; onPickContact(): void }) {
  const { state } = usePreview();
  const person = model.contacts[contact]!;
  const [preview, setPreview] = useState<EmailPreview | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    setPreview(null);
    previewEmail(state.program ?? model.program, template, person, { secret: state.secret, now: model.now, suppression: model.data.suppression }).then(
      (result) => live && setPreview(result),
      (error: Error) => live && setPreview({ error: error.message }),
    );
    return () => {
      live = false;
    };
  }, [model, template, person, state.secret]);
  const body = preview && 'text' in preview ? preview.text.split(/\r?\n/).flatMap((line) => wrap(line, width - 2)) : [];
  const headerLines = preview && 'headers' in preview ? preview.headers.length + 3 : 2;
  const bodyHeight = Math.max(1, height - headerLines - 1);
  const scroll = useScroll(body.length, bodyHeight);
  useScreenKeys(active, [['↑↓ j/k', 'scroll the body'], ['c', 'another contact'], ['Esc', 'back to the templates']]);
  useKeys((input, key) => {
    if (scroll.handle(input, key)) return;
    if (input === 'c') onPickContact();
    else if (isBack(input, key)) onBack();
  }, active);
  if (!active) return null;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text bold>{template.id}</Text>
        <Text dimColor>{` (${template.kind}) rendered for ${person.id} as of the preview's clock${template.html !== undefined ? ' · text part shown (the HTML part renders the same placeholders, escaped)' : ''}`}</Text>
      </Text>
      {!preview ? <Text dimColor>Rendering…</Text> : 'error' in preview ? <Text color="red">{preview.error}</Text> : (
        <>
          {preview.headers.map((h) => (
            <Box key={h.name} width={width}>
              <Box width={23} flexShrink={0}>
                <Text bold color="cyan">{`${h.name}:`}</Text>
              </Box>
              <Text wrap="truncate-end">{h.value}</Text>
            </Box>
          ))}
          <Text wrap="truncate-end">
            <Text bold color="cyan">{'Delivery:'.padEnd(23)}</Text>
            {preview.delivery.ok ? <Text color="green">would be sent to this contact</Text> : <Text color="yellow">{`would not be sent: ${preview.delivery.reason}`}</Text>}
          </Text>
          <Text dimColor>{'─'.repeat(Math.max(0, width - 1))}</Text>
          <Box paddingLeft={1}>
            <TextView lines={body} offset={scroll.offset} height={bodyHeight} width={width - 1} />
          </Box>
        </>
      )}
    </Box>
  );
}
