import type { AuditEntry } from './types.ts';

/** Who is acting: `$CAMPAIGN_ACTOR`, `$GITHUB_ACTOR`, `$USER`, or "unknown". */
export function actorFrom(env: Record<string, string | undefined>): string {
  return env.CAMPAIGN_ACTOR || env.GITHUB_ACTOR || env.USER || 'unknown';
}

export function auditEntry(action: AuditEntry['action'], at: Date, env: Record<string, string | undefined>, summary: string): AuditEntry {
  return { at: at.toISOString(), actor: actorFrom(env), action, summary };
}

/** Ids for an audit summary: the first 20 of them and how many more (an entry names contacts, never their addresses). */
export function auditIds(ids: readonly string[]): string {
  const SHOWN = 20;
  return ids.length > SHOWN ? `${ids.slice(0, SHOWN).join(', ')} and ${ids.length - SHOWN} more` : ids.join(', ');
}
