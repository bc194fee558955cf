import type { z } from 'zod';
import type { Entity, Settings } from '../ir/types.ts';
import type { MadeRegistration } from './recording.ts';

/**
 * Every builder call registers what it built, so the compiler collects definitions whether or not
 * a module exports them. The registry lives on `globalThis` under a registered symbol: the
 * compiler and the workspace's bundled copy of this module see the same one.
 */

const REGISTRY = Symbol.for('campaignkit.registry');

export interface WorkspaceDefinition {
  kind: 'workspace';
  contact: z.ZodObject;
  events: Record<string, z.ZodObject>;
  /** Settings as authored; the compiler fills defaults and validates them. */
  settings: Omit<Settings, 'fields' | 'webhooks' | 'teams' | 'store'> & {
    fields?: Partial<Settings['fields']>;
    teams?: Settings['teams'];
    webhooks?: Record<string, { url: string; secretEnv?: string; timeout?: string; retries?: number }>;
    store?: string;
  };
}

export type Registration =
  | { kind: 'workspace'; value: WorkspaceDefinition }
  | { kind: 'entity'; value: Entity }
  /** A condition a callback built and did not return, or kept where `||` or `??` may follow it (recording.ts). */
  | { kind: 'made'; value: MadeRegistration };

type Holder = { [REGISTRY]?: Registration[] };

export function register(registration: Registration): void {
  const list = (globalThis as Holder)[REGISTRY];
  if (Array.isArray(list)) list.push(registration);
}

/** Runs `load` with an empty registry and returns what it registered. Used by the compiler. */
export async function collectRegistrations<T>(load: () => Promise<T>): Promise<{ result: T; registrations: Registration[] }> {
  const holder = globalThis as Holder;
  const previous = holder[REGISTRY];
  const registrations: Registration[] = [];
  holder[REGISTRY] = registrations;
  try {
    return { result: await load(), registrations };
  } finally {
    holder[REGISTRY] = previous;
  }
}
