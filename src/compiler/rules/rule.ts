import type { FieldType, Program } from '../../ir/types.ts';
import type { Site, SiteDiagnostic } from '../diagnostics.ts';

/** A semantic rule: a name and a check over the validated program. Rules report; they never throw. */
export interface Rule {
  name: string;
  check(ctx: RuleContext): void;
}

export interface RuleContext {
  program: Program;
  report(diagnostic: SiteDiagnostic): void;
  ids: {
    segments: Set<string>;
    scores: Set<string>;
    grades: Set<string>;
    campaigns: Set<string>;
    templates: Set<string>;
  };
  contactField(name: string): FieldType | undefined;
  eventProperty(event: string, name: string): FieldType | undefined;
}

/** System fields every contact has besides its schema. */
export const SYSTEM_CONTACT_FIELDS: Record<string, FieldType> = {
  id: { kind: 'string', optional: false },
};

export function createContext(program: Program, report: (d: SiteDiagnostic) => void): RuleContext {
  const ids = (list: { id: string }[]) => new Set(list.map((e) => e.id));
  return {
    program,
    report,
    ids: {
      segments: ids(program.segments),
      scores: ids(program.scores),
      grades: ids(program.grades),
      campaigns: ids(program.campaigns),
      templates: ids(program.templates),
    },
    contactField: (name) => program.schema.contact[name] ?? SYSTEM_CONTACT_FIELDS[name],
    eventProperty: (event, name) => program.schema.events[event]?.[name],
  };
}

/** "Campaign "x"", "Step "s" of campaign "x"", … from an owner key and a position inside it. */
export function describeSite(owner: string, at?: string): string {
  const [type, id] = splitOwner(owner);
  const name = { segment: 'Segment', score: 'Score', grades: 'Grade matrix', campaign: 'Campaign', template: 'Template', workspace: 'The workspace config' }[type] ?? type;
  const base = type === 'workspace' ? name : `${name} "${id}"`;
  if (!at) return base;
  const [kind, sub] = splitOwner(at);
  const lower = base.charAt(0).toLowerCase() + base.slice(1);
  if (kind === 'step') return `Step "${sub}" of ${lower}`;
  if (kind === 'rule') return `Rule "${sub}" of ${lower}`;
  if (kind === 'threshold') return `Threshold "${sub}" of ${lower}`;
  if (type === 'workspace') return `${base} (${at})`;
  return `${base} (${at})`;
}

export function siteOf(owner: string, at?: string): Site {
  const site: Site = { entity: owner };
  if (!at) return site;
  const [kind, sub] = splitOwner(at);
  if (kind === 'step') site.step = sub;
  else if (kind === 'rule') site.scoreRule = sub;
  else if (kind === 'threshold') site.threshold = sub;
  else site.property = at;
  return site;
}

function splitOwner(key: string): [string, string] {
  const colon = key.indexOf(':');
  return colon < 0 ? [key, ''] : [key.slice(0, colon), key.slice(colon + 1)];
}

/**
 * Counts the ids it is given: how many times it saw each one before. A definition whose id is
 * defined twice (CK100) is located at its own definition, the n-th with its id (`Site.occurrence`),
 * not at the first.
 */
export function occurrences(): (id: string) => number {
  const seen = new Map<string, number>();
  return (id) => {
    const count = seen.get(id) ?? 0;
    seen.set(id, count + 1);
    return count;
  };
}
