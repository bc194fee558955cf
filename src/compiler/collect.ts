import type { z } from 'zod';
import type { Registration, WorkspaceDefinition } from '../dsl/registry.ts';
import { RESERVED_FIELD_NAMES } from '../dsl/conditions.ts';
import { IR_VERSION, type DataSchema, type Entity, type Program, type Settings } from '../ir/types.ts';
import type { SiteDiagnostic } from './diagnostics.ts';
import { describeObject, isObjectSchema } from './describe-schema.ts';
import { diagnostic } from './messages.ts';
import { presumedConsent } from './presumed-consent.ts';

/** Turns what the modules registered into a draft program (validated next by the IR schema and the rules). */

export interface WorkspaceSchemas {
  contact: z.ZodObject;
  events: Record<string, z.ZodObject>;
}

export interface Collected {
  program: Program | null;
  schemas: WorkspaceSchemas | null;
  /** The module that registered each entity, for diagnostics the locator cannot place. */
  origins: Map<Entity, string>;
  diagnostics: SiteDiagnostic[];
  /** Events declared with a schema that is not a z.object (CK006): left out of the program's schema. */
  invalidEvents: Set<string>;
}

export const DEFAULT_STORE = '.campaign/store.json';

function settingsOf(def: WorkspaceDefinition, contact: DataSchema['contact']): Settings {
  const authored = def.settings;
  const settings: Settings = {
    timezone: authored.timezone,
    sender: authored.sender,
    fields: {
      email: authored.fields?.email ?? 'email',
      ...((authored.fields?.timezone ?? ('timezone' in contact ? 'timezone' : undefined))
        ? { timezone: authored.fields?.timezone ?? 'timezone' }
        : {}),
    },
    consent: authored.consent,
    teams: authored.teams ?? {},
    webhooks: Object.fromEntries(
      Object.entries(authored.webhooks ?? {}).map(([name, hook]) => [
        name,
        {
          url: hook.url,
          ...(hook.secretEnv !== undefined ? { secretEnv: hook.secretEnv } : {}),
          timeout: hook.timeout ?? '10s',
          retries: hook.retries ?? 3,
        },
      ]),
    ),
    unsubscribeUrl: authored.unsubscribeUrl,
    store: authored.store ?? DEFAULT_STORE,
  };
  if (authored.replyTo !== undefined) settings.replyTo = authored.replyTo;
  if (authored.quietHours !== undefined) settings.quietHours = authored.quietHours;
  if (authored.frequencyCap !== undefined) settings.frequencyCap = authored.frequencyCap;
  return settings;
}

/** The workspace as diagnostics name it: its directory (relative, for messages) and its config file, if any. */
export interface WorkspaceFiles {
  dir: string;
  config: string | null;
}

/** `workspace` is the directory as messages name it, or that and the config file (to place CK001). */
export function collect(registrations: Registration[], origins: string[], workspace: WorkspaceFiles | string): Collected {
  if (typeof workspace === 'string') return collect(registrations, origins, { dir: workspace, config: null });
  const diagnostics: SiteDiagnostic[] = [];
  const workspaces = registrations.filter((r): r is Extract<Registration, { kind: 'workspace' }> => r.kind === 'workspace');
  const entityOrigins = new Map<Entity, string>();
  const invalidEvents = new Set<string>();
  if (workspaces.length === 0) {
    diagnostics.push(diagnostic('CK001', { dir: workspace.dir }, workspace.config ? { file: workspace.config } : {}));
    return { program: null, schemas: null, origins: entityOrigins, diagnostics, invalidEvents };
  }
  // Reported on each extra call (the config's own call comes first).
  for (let occurrence = 1; occurrence < workspaces.length; occurrence++) {
    diagnostics.push(diagnostic('CK002', { count: workspaces.length }, { entity: 'workspace', occurrence }));
  }
  const def = workspaces[0]!.value;

  if (!isObjectSchema(def.contact)) {
    diagnostics.push(diagnostic('CK006', { what: 'contact schema', error: 'it must be a z.object({ … })' }, { entity: 'workspace', property: 'contact' }));
    return { program: null, schemas: null, origins: entityOrigins, diagnostics, invalidEvents };
  }
  const events: Record<string, z.ZodObject> = {};
  for (const [name, schema] of Object.entries(def.events ?? {})) {
    if (isObjectSchema(schema)) {
      events[name] = schema;
      continue;
    }
    invalidEvents.add(name);
    diagnostics.push(diagnostic('CK006', { what: `event "${name}"`, error: 'its properties must be a z.object({ … })' }, { entity: 'workspace', property: 'events', key: name }));
  }
  const schema: DataSchema = {
    contact: describeObject(def.contact),
    events: Object.fromEntries(Object.entries(events).map(([name, s]) => [name, describeObject(s)])),
  };
  for (const field of Object.keys(schema.contact)) {
    if ((RESERVED_FIELD_NAMES as readonly string[]).includes(field)) {
      diagnostics.push(diagnostic('CK007', { field }, { entity: 'workspace', property: 'contact', key: field }));
    }
  }
  // Only the live schema knows its defaults (the IR keeps the kind): a pre-ticked consent box.
  const consentField = def.settings.consent?.email;
  if (consentField !== undefined && Object.hasOwn(def.contact.shape, consentField)) {
    const presumed = presumedConsent(def.contact.shape[consentField] as z.ZodType);
    if (presumed) diagnostics.push(diagnostic('CK147', { field: consentField, from: presumed }, { entity: 'workspace', property: 'contact', key: consentField }));
  }

  const program: Program = {
    irVersion: IR_VERSION,
    settings: settingsOf(def, schema.contact),
    schema,
    segments: [],
    scores: [],
    grades: [],
    campaigns: [],
    templates: [],
  };
  registrations.forEach((registration, index) => {
    if (registration.kind !== 'entity') return;
    const entity = registration.value;
    entityOrigins.set(entity, origins[index] ?? '');
    switch (entity.type) {
      case 'segment':
        program.segments.push(entity);
        break;
      case 'score':
        program.scores.push(entity);
        break;
      case 'grades':
        program.grades.push(entity);
        break;
      case 'campaign':
        program.campaigns.push(entity);
        break;
      case 'template':
        program.templates.push(entity);
        break;
    }
  });
  return { program, schemas: { contact: def.contact, events }, origins: entityOrigins, diagnostics, invalidEvents };
}
