import type { AuditEntry } from './types.ts';

/** Who is acting: `$CAMPAIGN_ACTOR`, `$GITHUB_ACTOR`, `$USER`, or "unknown". */
export function actorFrom(env: Record<string, string | undefined>): string {
  return env.CAMPAIGN_ACTOR || env.GITHUB_ACTOR || env.USER || 'unknown';
}

export function auditEntry(action: AuditEntry['action'], at: Date, env: Record<string, string | undefined>, summary: string): AuditEntry {
  return { at: at.toISOString(), actor: actorFrom(env), action, summary };
}
