import type { EntityChange, FieldChange, Plan } from '../planner/plan-types.ts';
import { fencedBlock, mdCode, mdText, tableHead, tableRow } from './markdown.ts';
import { formatChanged, formatValue, plural } from './plan-format.ts';
import type { Part, Section } from './plan-markdown.ts';

const VALUE_MAX = 160;

const SIGN = { create: '+', update: '~', delete: '−', rename: '→' } as const;
const CHANGE_ORDER = { update: 0, rename: 1, delete: 2, create: 3 } as const;

function entityName(change: EntityChange): string {
  return change.type === 'workspace' ? `workspace ${change.id}` : `${change.type} ${mdCode(change.id)}`;
}

/** The table of changed entities and their field-level diffs (folded in `<details>`), as sections the comment's budget can shorten. */
export function changesSections(plan: Plan): Part[] {
  if (plan.changes.length === 0) return [];
  // Changes to what is deployed first, new entities last, in the table and in the diffs; a comment
  // shortened to fit keeps their rows and diffs before those of new entities (QA: with 300 new
  // segments, the one diff kept was of a new segment, and the changed wait's was left out).
  const changes = [...plan.changes].sort((a, b) => CHANGE_ORDER[a.action] - CHANGE_ORDER[b.action]);
  const changed = changes.filter((c) => c.action !== 'create');
  const created = changes.filter((c) => c.action === 'create');
  const row = (change: EntityChange) => {
    const what =
      change.action === 'delete'
        ? 'deleted'
        : `${change.action === 'create' ? 'new, ' : change.from ? `renamed from ${mdCode(change.from)}, ` : ''}${plural(change.fields.length, 'field')}`;
    const name = change.name && change.name !== change.id ? mdText(change.name) : '';
    const source = change.source ? mdCode(`${change.source.file}:${change.source.line}`) : '';
    return tableRow([`${SIGN[change.action]} ${change.action}`, entityName(change), name, what, source]);
  };
  const table = joined(
    [
      { name: 'the table of changes', priority: 7, rows: changed.map(row) },
      { name: changed.length > 0 ? 'the new entities in the table of changes' : 'the table of changes', priority: 8.7, rows: created.map(row) },
    ],
    (left) => tableRow(['', `_…and ${plural(left, 'more entity', 'more entities')}_`, '', '', '']),
    [`#### Changes`, '', ...tableHead(['', 'Entity', 'Name', 'What changes', 'Defined in'], ['l', 'l', 'l', 'l', 'l'])],
    [''],
  );
  const withFields = changes.filter((c) => c.fields.length > 0);
  if (withFields.length === 0) return table;
  const fields = withFields.reduce((sum, c) => sum + c.fields.length, 0);
  const diffs = joined(
    [
      { name: 'the field-level diffs', priority: 8.5, rows: withFields.filter((c) => c.action !== 'create').map(entityDiff) },
      { name: changed.length > 0 ? 'the field-level diffs of new entities' : 'the field-level diffs', priority: 9, rows: withFields.filter((c) => c.action === 'create').map(entityDiff) },
    ],
    (left) => `_…and ${plural(left, 'more entity', 'more entities')}, left out to fit the comment: see the full plan._\n`,
    ['<details>', `<summary><b>Field-level changes</b> (${plural(withFields.length, 'entity', 'entities')}, ${plural(fields, 'field')})</summary>`, ''],
    ['</details>', ''],
  );
  return [...table, ...diffs];
}

/** One block (a table, a <details>) whose rows are kept in parts of different priorities: sections side by side, the first with the head, the last with the tail. */
function joined(parts: { name: string; priority: number; rows: string[] }[], more: (left: number) => string, head: string[], tail: string[]): Section[] {
  const sections: Section[] = parts.filter((p) => p.rows.length > 0).map((p) => ({ ...p, unit: 'entities', head: [], more, tail: [] }));
  sections[0]!.head = head;
  sections.at(-1)!.tail = tail;
  return sections;
}

/** One entity's fields as a `diff` block: `-` before, `+` after. */
function entityDiff(change: EntityChange): string {
  const source = change.source ? ` · ${mdCode(`${change.source.file}:${change.source.line}`)}` : '';
  const renamed = change.from ? ` (was ${mdCode(change.from)})` : '';
  const lines = change.fields.flatMap(diffLines);
  return `**${SIGN[change.action]} ${entityName(change)}**${renamed}${source}\n\n${fencedBlock(lines.join('\n'), 'diff')}\n`;
}

function diffLines(field: FieldChange): string[] {
  const value = (v: unknown) => formatValue(v, field.text, VALUE_MAX).replace(/\r?\n/g, ' ');
  switch (field.kind) {
    case 'added':
      return [`+ ${field.path}: ${value(field.after)}`];
    case 'removed':
      return [`- ${field.path}: ${value(field.before)}`];
    case 'changed': {
      const [before, after] = formatChanged(field, VALUE_MAX).map((v) => v.replace(/\r?\n/g, ' '));
      return [`- ${field.path}: ${before}`, `+ ${field.path}: ${after}`];
    }
  }
}

