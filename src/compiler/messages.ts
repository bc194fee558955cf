import { clipQuoted } from '../text/clip-quoted.ts';
import { CONSENT_MESSAGES } from './consent-messages.ts';
import type { CatalogueEntry, Site, SiteDiagnostic } from './diagnostics.ts';
import { LOADING_MESSAGES } from './loading-messages.ts';
import { RULE_MESSAGES } from './rule-messages.ts';

/**
 * The catalogue: every campaignkit diagnostic code, its rule name, severity and wording. Messages
 * are one sentence with user values in double quotes; hints say what to do. docs/diagnostics.md is
 * generated from it (`npm run docs:diagnostics`). The entries are worded in loading-messages.ts
 * (CK001–CK010), rule-messages.ts (CK100 on) and consent-messages.ts (CK146, CK147).
 */
export const CATALOGUE = { ...LOADING_MESSAGES, ...RULE_MESSAGES, ...CONSENT_MESSAGES } as const;

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
 * A diagnostic that names other places, `other.sites` (the other definitions of a duplicate id), as
 * its parameter `other.param` once the compiler has located them, and the files involved as its
 * parameter `files`; worded without them when they cannot be located.
 */
export function diagnosticNaming<C extends CatalogueCode>(
  code: C,
  params: ParamsOf<C>,
  site: Site,
  other: { param: keyof ParamsOf<C> & string; sites: Site[] },
): SiteDiagnostic {
  const item = CATALOGUE[code] as unknown as CatalogueEntry<ParamsOf<C>>;
  const word = (at: string, files: string[]) => {
    const located = { ...params, [other.param]: at, files };
    return { message: clipQuoted(item.message(located)), hint: clipQuoted(item.hint(located)) };
  };
  return { ...diagnostic(code, params, site), naming: { sites: other.sites, word } };
}
