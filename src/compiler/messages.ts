import { clipQuoted } from '../text/clip-quoted.ts';
import type { CatalogueEntry, Site, SiteDiagnostic } from './diagnostics.ts';
import { LOADING_MESSAGES } from './loading-messages.ts';
import { RULE_MESSAGES } from './rule-messages.ts';

/**
 * The catalogue: every campaignkit diagnostic code, its rule name, severity and wording. Messages
 * are one sentence with user values in double quotes; hints say what to do. docs/diagnostics.md is
 * generated from it (`npm run docs:diagnostics`). The entries are worded in loading-messages.ts
 * (CK001–CK009) and rule-messages.ts (CK100 on).
 */
export const CATALOGUE = { ...LOADING_MESSAGES, ...RULE_MESSAGES } as const;

export type CatalogueCode = keyof typeof CATALOGUE;
type ParamsOf<C extends CatalogueCode> = Parameters<(typeof CATALOGUE)[C]['message']>[0];

/** Builds a diagnostic from the catalogue. */
export function diagnostic<C extends CatalogueCode>(code: C, params: ParamsOf<C>, site: Site): SiteDiagnostic {
  const item = CATALOGUE[code] as unknown as CatalogueEntry<ParamsOf<C>>;
  return {
    code,
    severity: item.severity,
    message: clipQuoted(item.message(params)),
    hint: clipQuoted(item.hint(params)),
    rule: item.rule,
    site,
  };
}

/**
 * A diagnostic whose message names another place, `other` (the first definition of a duplicate), as
 * its parameter `param` once the compiler has located it; worded without it when it cannot be.
 */
export function diagnosticNaming<C extends CatalogueCode>(
  code: C,
  params: ParamsOf<C>,
  site: Site,
  other: { param: keyof ParamsOf<C> & string; site: Site },
): SiteDiagnostic {
  const item = CATALOGUE[code] as unknown as CatalogueEntry<ParamsOf<C>>;
  const message = (at: string) => clipQuoted(item.message({ ...params, [other.param]: at }));
  return { ...diagnostic(code, params, site), naming: { site: other.site, message } };
}
