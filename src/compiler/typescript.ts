import { createRequire } from 'node:module';
import type { ts as TS } from 'ts-morph';

// TypeScript (through ts-morph) loads only when first asked for: commands that compile a valid
// workspace without type-checking never pay for it.
const require = createRequire(import.meta.url);
let ts: typeof TS | undefined;

/** The TypeScript compiler API, loaded on first use. */
export function typescript(): typeof TS {
  return (ts ??= (require('ts-morph') as { ts: typeof TS }).ts);
}
