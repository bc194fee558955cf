import { catalogueEntry as entry } from './diagnostics.ts';

const FROM_THE_CONTACT = "consent comes from the contact's own data, imported from the CRM or form where they gave it (a double opt-in is recorded there once confirmed)";

/**
 * The catalogue's consent codes: the workspace may not give consent in the contact's place, by a
 * step or action that writes it (CK146) or by a schema that presumes it (CK147). Part of
 * `CATALOGUE` (messages.ts), after RULE_MESSAGES.
 */
export const CONSENT_MESSAGES = {
  CK146: entry<{ owner: string; field: string }>(
    'update-grants-consent',
    'error',
    (p) => `${p.owner} sets the consent field "${p.field}" to true: consent cannot be given in the contact's place.`,
    (p) => `Remove the update: ${FROM_THE_CONTACT}; an update may set "${p.field}" to false, an opt-out.`,
    "An `update` step of a campaign, or an `update` action of a score's threshold, writes `true` to the workspace's consent field (`consent.email`). The contacts it reaches would get marketing email they never agreed to. Consent comes from the contact's own data, imported with `campaign contacts import` from the CRM or form where they gave it (a double opt-in is recorded there once confirmed). Writing `false`, an opt-out, is allowed.",
  ),
  CK147: entry<{ field: string; from: string }>(
    'consent-default-true',
    'error',
    (p) => `The consent field "${p.field}" turns ${p.from} into true: a contact who never said yes would count as consenting.`,
    () => `Remove the .default(true), .prefault(true) or .catch(true) from the field: ${FROM_THE_CONTACT}.`,
    "The contact schema's consent field (`consent.email`) parses a missing value, `null` or a value that is not a boolean to `true` — `z.boolean().default(true)`, `.prefault(true)`, `.catch(true)` or a transform that does the same: a pre-ticked box. A contact imported without the field would be stored as consenting and get marketing email.",
  ),
} as const;
