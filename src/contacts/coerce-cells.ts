import type { FieldType } from '../ir/types.ts';
import { forbiddenKey } from './forbidden-keys.ts';
import { MAX_NESTING, nestsDeeperThan } from '../text/json-nesting.ts';

/**
 * CSV cells are strings: turn each into the value its field's kind calls for, before the zod
 * schema validates the row. Strings that do not fit (a number column holding "forty") are
 * reported here, worded for a person.
 */

export interface CoercedCells {
  /** Coerced values; a cell that could not be coerced keeps its string. */
  values: Record<string, unknown>;
  errors: string[];
  /** The fields whose cells could not be coerced. */
  failed: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();
const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function coerceCells(cells: Record<string, unknown>, schema: Record<string, FieldType>, skip?: ReadonlySet<string>): CoercedCells {
  const values: Record<string, unknown> = {};
  const errors: string[] = [];
  let failed: Set<string> | undefined;
  for (const key in cells) {
    if (skip?.has(key)) continue;
    const cell = cells[key];
    const type = schema[key];
    if (typeof cell !== 'string' || !type) {
      values[key] = cell;
      continue;
    }
    const result = coerceCell(cell, type);
    if (typeof result === 'object' && result !== null && 'error' in result) {
      errors.push(`"${key}": ${result.error}`);
      (failed ??= new Set()).add(key);
      values[key] = cell;
    } else {
      values[key] = result;
    }
  }
  return { values, errors, failed: failed ?? NONE };
}

function coerceCell(cell: string, type: FieldType): unknown {
  switch (type.kind) {
    case 'number':
    case 'integer': {
      const text = cell.trim();
      if (!NUMBER.test(text)) return { error: `${JSON.stringify(cell)} is not a number` };
      return Number(text);
    }
    case 'boolean': {
      const text = cell.trim().toLowerCase();
      if (TRUE.has(text)) return true;
      if (FALSE.has(text)) return false;
      return { error: `${JSON.stringify(cell)} is not a yes/no value (use true/false, yes/no or 1/0)` };
    }
    case 'array': {
      const items = cell.split(';').map((item) => item.trim()).filter((item) => item !== '');
      if (!type.items) return items;
      const out: unknown[] = [];
      for (const item of items) {
        const value = coerceCell(item, type.items);
        if (typeof value === 'object' && value !== null && 'error' in value) return value;
        out.push(value);
      }
      return out;
    }
    case 'unknown': {
      // Export writes structured values (objects, nested lists) as JSON text.
      if (!/^\s*[[{]/.test(cell)) return cell;
      try {
        const value: unknown = JSON.parse(cell);
        if (forbiddenKey(value) !== undefined) return { error: 'a key "__proto__", "constructor" or "prototype" is not allowed' };
        return nestsDeeperThan(value) ? { error: `nests deeper than ${MAX_NESTING} levels of objects and arrays; flatten it` } : value;
      } catch {
        return cell;
      }
    }
    default:
      return cell;
  }
}

/** Splits a CSV `tags` cell (`;`-separated). */
export function splitList(cell: string): string[] {
  return cell.split(';').map((item) => item.trim()).filter((item) => item !== '');
}
