import { Text } from 'ink';
import { countBySeverity, type Diagnostic } from '../../src/compiler/diagnostics.ts';
import { plural } from './format.ts';

/** `✔ valid, no warnings` or `✖ 2 errors, 1 warning`. */
export function ValidationLine({ diagnostics, ok }: { diagnostics: readonly Diagnostic[]; ok: boolean }) {
  const { errors, warnings } = countBySeverity(diagnostics);
  if (errors === 0) {
    return (
      <Text>
        <Text color="green">✔ valid</Text>
        {warnings ? <Text color="yellow">{`, ${plural(warnings, 'warning')}`}</Text> : <Text>, no warnings</Text>}
        <Text dimColor> (without type-check: `campaign validate` type-checks)</Text>
      </Text>
    );
  }
  return (
    <Text>
      <Text color="red">{`✖ ${plural(errors, 'error')}`}</Text>
      {warnings ? <Text color="yellow">{`, ${plural(warnings, 'warning')}`}</Text> : null}
      <Text dimColor>{ok ? '' : ' — fix them, then `campaign validate`'}</Text>
    </Text>
  );
}
