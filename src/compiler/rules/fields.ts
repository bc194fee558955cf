import { canonicalTimeZone, isIsoDate, isIsoDateTime } from '../../ir/durations.ts';
import type { Cond, FieldType, Scalar } from '../../ir/types.ts';
import { forEachStep, programConditions, walkCond, type CondScope } from '../../ir/walk.ts';
import { isDateKind } from '../describe-schema.ts';
import { diagnostic, type CATALOGUE } from '../messages.ts';
import { describeSite, siteOf, type Rule, type RuleContext } from './rule.ts';

const NUMERIC = new Set(['number', 'integer']);
const TEXT = new Set(['string', 'email', 'enum']);
const NUMBER_OPS = new Set(['gt', 'gte', 'lt', 'lte', 'between']);
const TEXT_OPS = new Set(['startsWith', 'endsWith', 'matches']);
const EQUALITY_OPS = new Set(['eq', 'neq', 'in', 'notIn']);

function lookup(ctx: RuleContext, scope: CondScope, field: string): FieldType | undefined {
  return scope === 'contact' ? ctx.contactField(field) : ctx.eventProperty(scope.event, field);
}

function reportUnknown(ctx: RuleContext, scope: CondScope, field: string, owner: string, at: string): void {
  if (scope === 'contact') {
    ctx.report(diagnostic('CK106', { kind: 'contact field', id: field, owner: describeSite(owner, at) }, { ...siteOf(owner, at), mention: field }));
  } else if (scope.event in ctx.program.schema.events) {
    ctx.report(diagnostic('CK107', { kind: 'property', id: field, event: scope.event, owner: describeSite(owner, at) }, { ...siteOf(owner, at), mention: field }));
  }
}

/** What a value of the field must be when `value` does not fit it (`a number`, `one of "a", "b"`), or null when it fits. */
export function expectedValue(type: FieldType, value: Scalar): string | null {
  if (value === null || type.kind === 'unknown') return null;
  if (NUMERIC.has(type.kind)) return typeof value === 'number' ? null : 'a number';
  if (type.kind === 'boolean') return typeof value === 'boolean' ? null : 'true or false';
  if (type.kind === 'enum') {
    return type.values?.includes(String(value)) ? null : `one of ${(type.values ?? []).map((v) => `"${v}"`).join(', ')}`;
  }
  if (type.kind === 'array') return null;
  return typeof value === 'string' ? null : 'text';
}

type Mismatch = Omit<Parameters<(typeof CATALOGUE)['CK126']['message']>[0], 'owner' | 'field' | 'kind'>;

/** Why a comparison does not fit the field's type, or null when it does. */
function cmpMismatch(node: Extract<Cond, { type: 'cmp' }>, type: FieldType): Mismatch | null {
  const values = node.value === undefined ? [] : Array.isArray(node.value) ? node.value : [node.value];
  const firstMisfit = (expected: (value: Scalar) => string | null): Mismatch | null => {
    for (const value of values) {
      const want = expected(value);
      if (want) return { value: JSON.stringify(value), expected: want };
    }
    return null;
  };
  if (NUMBER_OPS.has(node.op)) {
    if (!NUMERIC.has(type.kind)) return { op: `the number operator "${node.op}"` };
    return firstMisfit((value) => (typeof value === 'number' ? null : 'a number'));
  }
  if (TEXT_OPS.has(node.op)) {
    if (!TEXT.has(type.kind)) return { op: `the text operator "${node.op}"` };
    return firstMisfit((value) => (typeof value === 'string' ? null : 'text'));
  }
  if (node.op === 'contains') {
    if (type.kind === 'array') return type.items ? firstMisfit((value) => expectedValue(type.items!, value)) : null;
    if (!TEXT.has(type.kind)) return { op: '"contains"' };
    return firstMisfit((value) => (typeof value === 'string' ? null : 'text'));
  }
  if (EQUALITY_OPS.has(node.op)) {
    // An array field compares its items; `eq` on the whole array is not something the DSL writes.
    return firstMisfit((value) => expectedValue(type.kind === 'array' && type.items ? type.items : type, value));
  }
  return null;
}

function checkCmp(ctx: RuleContext, node: Extract<Cond, { type: 'cmp' }>, type: FieldType, owner: string, at: string): void {
  const site = { ...siteOf(owner, at), mention: node.field };
  if (type.kind === 'unknown') return;
  const mismatch = cmpMismatch(node, type);
  if (mismatch) {
    // A misfit text value is more telling than the field, which the condition may compare twice.
    const value = mismatch.value === undefined ? undefined : (JSON.parse(mismatch.value) as Scalar);
    const mention = typeof value === 'string' ? value : node.field;
    ctx.report(diagnostic('CK126', { owner: describeSite(owner, at), field: node.field, kind: type.kind, ...mismatch }, { ...site, mention }));
    return;
  }
  if (node.op === 'matches' && typeof node.value === 'string') {
    try {
      new RegExp(node.value, node.flags);
    } catch (error) {
      ctx.report(diagnostic('CK131', { owner: describeSite(owner, at), pattern: node.value, error: regexError(error) }, site));
    }
  }
}

/** `Invalid regular expression: /(/: Unterminated group` → `unterminated group`. */
function regexError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}

function checkNode(ctx: RuleContext, node: Cond, scope: CondScope, owner: string, at: string): void {
  if (node.type === 'did' && node.max !== undefined && node.max < node.min) {
    const detail = `at least ${node.min} and at most ${node.max} "${node.event}" events`;
    ctx.report(diagnostic('CK135', { owner: describeSite(owner, at), detail }, { ...siteOf(owner, at), mention: node.event }));
  }
  if (node.type !== 'cmp' && node.type !== 'date' && node.type !== 'anniversary') return;
  const site = { ...siteOf(owner, at), mention: node.field };
  const type = lookup(ctx, scope, node.field);
  if (!type) {
    reportUnknown(ctx, scope, node.field, owner, at);
    return;
  }
  if (node.type === 'cmp') {
    checkCmp(ctx, node, type, owner, at);
    return;
  }
  if (!isDateKind(type) && type.kind !== 'unknown') {
    ctx.report(diagnostic('CK117', { owner: describeSite(owner, at), field: node.field, kind: type.kind }, site));
    return;
  }
  if (node.type === 'date' && (node.op === 'before' || node.op === 'after') && !isIsoDate(node.value) && !isIsoDateTime(node.value)) {
    ctx.report(diagnostic('CK132', { owner: describeSite(owner, at), value: node.value }, { ...site, mention: node.value }));
  }
}

/** CK106, CK107, CK117, CK126, CK131, CK132, CK135 over every condition of the program. */
export const conditionFields: Rule = {
  name: 'condition-fields',
  check(ctx) {
    for (const site of programConditions(ctx.program)) {
      walkCond(site.cond, (node, scope) => checkNode(ctx, node, scope, site.owner, site.at), site.scope);
    }
  },
};

/** CK106 / CK126 / CK117 for update steps and date triggers; CK116 for a time zone an update writes. */
export const actionFields: Rule = {
  name: 'action-fields',
  check(ctx) {
    const checkUpdate = (owner: string, at: string, field: string, value: Scalar) => {
      const type = ctx.program.schema.contact[field];
      if (!type) {
        ctx.report(diagnostic('CK106', { kind: 'contact field', id: field, owner: describeSite(owner, at) }, siteOf(owner, at)));
        return;
      }
      const expected = expectedValue(type, value);
      if (expected) {
        ctx.report(diagnostic('CK126', { owner: describeSite(owner, at), field, kind: type.kind, sets: true, value: JSON.stringify(value), expected }, siteOf(owner, at)));
      } else if (field === ctx.program.settings.fields.timezone && typeof value === 'string' && value !== '' && canonicalTimeZone(value) === undefined) {
        // Import refuses such a value; written by a step, the runtime would fall back to the workspace zone.
        ctx.report(diagnostic('CK116', { owner: `${describeSite(owner, at)} (field "${field}")`, value }, { ...siteOf(owner, at), mention: value }));
      }
    };
    for (const campaign of ctx.program.campaigns) {
      const owner = `campaign:${campaign.id}`;
      forEachStep(campaign.steps, ({ step }) => {
        if (step.type === 'update') checkUpdate(owner, `step:${step.id}`, step.field, step.value);
      });
      const trigger = campaign.trigger;
      if (trigger?.type === 'date') {
        const type = ctx.program.schema.contact[trigger.field];
        if (!type) ctx.report(diagnostic('CK106', { kind: 'contact field', id: trigger.field, owner: describeSite(owner, 'trigger') }, siteOf(owner, 'trigger')));
        else if (!isDateKind(type)) ctx.report(diagnostic('CK117', { owner: describeSite(owner, 'trigger'), field: trigger.field, kind: type.kind }, siteOf(owner, 'trigger')));
      }
    }
    for (const score of ctx.program.scores) {
      for (const threshold of score.thresholds) {
        for (const action of threshold.actions) {
          if (action.type === 'update') checkUpdate(`score:${score.id}`, `threshold:${threshold.id}`, action.field, action.value);
        }
      }
    }
  },
};

/** CK128: settings that name contact fields name fields of the right type. */
export const settingsFields: Rule = {
  name: 'settings-fields',
  check({ program, report }) {
    const { contact } = program.schema;
    const expect = (setting: string, property: string, field: string | undefined, kinds: string[], expected: string) => {
      if (field === undefined) return;
      if (!kinds.includes(contact[field]?.kind ?? '')) {
        report(diagnostic('CK128', { setting, field, expected }, { entity: 'workspace', property, key: setting.split('.')[1]! }));
      }
    };
    expect('consent.email', 'consent', program.settings.consent.email, ['boolean'], 'boolean');
    expect('fields.email', 'fields', program.settings.fields.email, ['email', 'string'], 'text (email)');
    expect('fields.timezone', 'fields', program.settings.fields.timezone, ['string', 'enum'], 'text');
  },
};
