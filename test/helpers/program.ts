import { z } from 'zod';
import { defineWorkspace, type Workspace } from '../../src/dsl/define-workspace.ts';
import { collectRegistrations } from '../../src/dsl/registry.ts';
import { collect } from '../../src/compiler/collect.ts';
import { validateIr } from '../../src/compiler/validate-ir.ts';
import { runRules } from '../../src/compiler/rules/index.ts';
import { normalizeProgramOrder } from '../../src/ir/canonical.ts';
import type { Program } from '../../src/ir/types.ts';
import type { ContactRecord, StoreData } from '../../src/store/types.ts';

/** A small workspace schema for runtime tests. */
export const testContact = z.object({
  email: z.email(),
  firstName: z.string().optional(),
  country: z.string(),
  plan: z.enum(['free', 'trial', 'pro']),
  companySize: z.number().int(),
  timezone: z.string().optional(),
  birthday: z.iso.date().optional(),
  contractEndsAt: z.iso.date().optional(),
  optIn: z.boolean(),
  stage: z.enum(['lead', 'mql', 'customer']).optional(),
});

export const testEvents = {
  'signup.completed': z.object({}),
  'trial.started': z.object({}),
  'asset.downloaded': z.object({ asset: z.string() }),
  'page.viewed': z.object({ url: z.string() }),
  'feature.used': z.object({ feature: z.string() }),
  'demo.requested': z.object({}),
};

export type TestWorkspace = Workspace<typeof testContact, typeof testEvents>;

/**
 * Builds a program in-process from builder code (no bundling), validated like the compiler does.
 * Throws with the diagnostics when the program has errors.
 */
export async function programFrom(build: (w: TestWorkspace) => void, settings: Partial<Parameters<typeof defineWorkspace>[0]> = {}): Promise<Program> {
  const { registrations } = await collectRegistrations(async () => {
    const w = defineWorkspace({
      contact: testContact,
      events: testEvents,
      timezone: 'UTC',
      sender: { name: 'Acme', email: 'hello@acme.example' },
      consent: { email: 'optIn' },
      teams: { sales: { email: 'sales@acme.example' } },
      webhooks: { crm: { url: 'http://127.0.0.1:47011/hook', secretEnv: 'TEST_SECRET' } },
      unsubscribeUrl: 'https://acme.example/unsubscribe',
      ...settings,
    } as Parameters<typeof defineWorkspace>[0]) as unknown as TestWorkspace;
    build(w);
  });
  const collected = collect(registrations, registrations.map(() => 'test'), 'test');
  const validated = validateIr(collected.program!);
  if (!validated.program) throw new Error(validated.diagnostics.map((d) => d.message).join('\n'));
  const program = normalizeProgramOrder(validated.program);
  const errors = runRules(program).filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join('\n'));
  return program;
}

export function emptyStore(): StoreData {
  return {
    format: 'campaignkit-store',
    formatVersion: 1,
    lineage: 'test-lineage',
    serial: 0,
    savedAt: '2026-01-01T00:00:00.000Z',
    deployed: null,
    clock: null,
    journal: { generation: '', offset: 0 },
    contacts: [],
    enrollments: [],
    events: [],
    pending: [],
    outbox: [],
    webhooks: [],
    suppression: [],
    audit: [],
  };
}

export function contact(id: string, fields: Partial<z.input<typeof testContact>> = {}): ContactRecord {
  return {
    id,
    fields: { email: `${id}@example.com`, country: 'FR', plan: 'trial', companySize: 50, optIn: true, ...fields },
    tags: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    scores: {},
    segments: [],
  };
}
