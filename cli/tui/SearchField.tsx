import { Box, Text } from 'ink';
import { count } from './format.ts';
import type { Search } from './use-search.ts';

/** `/ query▌ — 12 matches`, or the hint to press / when empty. */
export function SearchField({ search, matches, total, what = 'contacts' }: { search: Search; matches: number; total: number; what?: string }) {
  const noun = total === 1 ? what.replace(/s$/, '') : what;
  const counts = search.query ? `${count(matches)} of ${count(total)} ${noun}` : `${count(total)} ${noun}`;
  return (
    <Box height={1}>
      <Text wrap="truncate-end">
        <Text color="cyan" bold>/ </Text>
        {search.query || search.editing ? <Text>{search.query}</Text> : <Text dimColor>type / to search by email, name, company or id</Text>}
        {search.editing ? <Text inverse> </Text> : null}
        <Text dimColor>{`  ${counts}`}</Text>
      </Text>
    </Box>
  );
}
