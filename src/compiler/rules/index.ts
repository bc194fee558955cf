import type { Program } from '../../ir/types.ts';
import type { SiteDiagnostic } from '../diagnostics.ts';
import { consentUpdates } from './consent.ts';
import { actionFields, conditionFields, settingsFields } from './fields.ts';
import { duplicateId, duplicateStepId, renamedFrom, stepMoves } from './ids.ts';
import { enrollLoop, journeyShape, splitsAndBranches, unreachableSteps } from './journeys.ts';
import { controlCharacters } from './names.ts';
import { unknownReference } from './references.ts';
import { createContext, type Rule } from './rule.ts';
import { gradeBands, thresholds } from './scoring.ts';
import { placeholderFallbacks } from './placeholder-fallbacks.ts';
import { scoreCycle } from './score-cycle.ts';
import { segmentCycle } from './segments.ts';
import { sendWindowInQuietHours } from './send-window.ts';
import { sinceEntryOutsideJourney } from './since-entry.ts';
import { templatePlaceholders, unusedTemplate } from './templates.ts';
import { timeValues } from './time.ts';
import { settingsUrls } from './urls.ts';

export const RULES: readonly Rule[] = [
  duplicateId,
  duplicateStepId,
  renamedFrom,
  stepMoves,
  controlCharacters,
  unknownReference,
  conditionFields,
  actionFields,
  consentUpdates,
  settingsFields,
  settingsUrls,
  journeyShape,
  unreachableSteps,
  splitsAndBranches,
  enrollLoop,
  segmentCycle,
  scoreCycle,
  sinceEntryOutsideJourney,
  thresholds,
  gradeBands,
  timeValues,
  sendWindowInQuietHours,
  templatePlaceholders,
  placeholderFallbacks,
  unusedTemplate,
];

export function runRules(program: Program, rules: readonly Rule[] = RULES): SiteDiagnostic[] {
  const out: SiteDiagnostic[] = [];
  const ctx = createContext(program, (d) => out.push(d));
  for (const rule of rules) rule.check(ctx);
  return out;
}

export type { Rule, RuleContext } from './rule.ts';
