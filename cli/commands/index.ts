import type { Command } from '../command.ts';

/**
 * Every `campaign` subcommand, in the order `campaign --help` lists them. A command's module
 * (and what it imports: the planner, the runtime, ink…) loads only when that command runs.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'init', summary: 'Create a new workspace (config, a segment, a score, a campaign, a template) that validates and plans.', load: async () => (await import('./init.ts')).init },
  { name: 'validate', summary: 'Type-check and validate the workspace; exit 1 when it has errors.', load: async () => (await import('./validate.ts')).validate },
  { name: 'plan', summary: 'Show what applying the workspace would change, and its impact on contacts.', load: async () => (await import('./plan.ts')).plan },
  { name: 'preview', summary: 'Open the terminal UI over the workspace and the store.', load: async () => (await import('./preview.ts')).preview },
  { name: 'apply', summary: 'Apply a saved plan (or plan and confirm), migrating contacts as planned.', load: async () => (await import('./apply.ts')).apply },
  { name: 'contacts import', summary: 'Import contacts from a CSV, JSON or JSONL file into the store (create or update).', load: async () => (await import('./contacts-import.ts')).contactsImport },
  { name: 'contacts export', summary: "Export the store's contacts as CSV, JSON or JSONL.", load: async () => (await import('./contacts-export.ts')).contactsExport },
  { name: 'unsubscribe', summary: 'Record unsubscribes: links from the emails as clicked, or an address (--email).', load: async () => (await import('./unsubscribe.ts')).unsubscribeCommand },
  { name: 'resubscribe', summary: 'Take an address off the suppression list once the person asked again (a confirmed opt-in).', load: async () => (await import('./resubscribe.ts')).resubscribe },
  { name: 'secret rotate', summary: "Replace the store's secret that signs unsubscribe links (links already sent stay valid for --grace).", load: async () => (await import('./secret-rotate.ts')).secretRotate },
  { name: 'contacts erase', summary: 'Erase a contact (GDPR): remove its personal data, keep a hashed suppression entry.', load: async () => (await import('./contacts-erase.ts')).contactsErase },
  { name: 'track', summary: 'Record one event for a contact (durable in the journal; `campaign run` processes it).', load: async () => (await import('./track.ts')).track },
  { name: 'events ingest', summary: 'Validate a JSONL file of events and append them to the journal (all or nothing).', load: async () => (await import('./events-ingest.ts')).eventsIngest },
  { name: 'enroll', summary: 'Enroll one contact in a campaign (queued; the next `campaign run` starts the journey).', load: async () => (await import('./enroll.ts')).enroll },
  { name: 'run', summary: 'Process pending events, timers and date triggers up to now (or --until), then deliver.', load: async () => (await import('./run.ts')).run },
  { name: 'emails retry', summary: 'Queue again emails that ended unknown or failed, once the cause is known.', load: async () => (await import('./emails-retry.ts')).emailsRetry },
  { name: 'webhooks retry', summary: 'Queue again the webhook deliveries that were given up, once the receiver is fixed.', load: async () => (await import('./webhooks-retry.ts')).webhooksRetry },
  { name: 'state export', summary: 'Export the deployed state without personal data, for planning in CI (plan --state).', load: async () => (await import('./state-export.ts')).stateExport },
  { name: 'contact', summary: 'Explain one contact: scores by rule, segments and why, journeys, timeline, emails.', load: async () => (await import('./contact.ts')).contact },
];
