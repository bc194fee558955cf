import { expect } from 'vitest';
import type { Nodes, Root, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

/** Parses GitHub-flavoured Markdown with a real parser (micromark + mdast). */
export function parseMarkdown(text: string): Root {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

export function visit(node: Nodes, fn: (node: Nodes) => void): void {
  fn(node);
  if ('children' in node) for (const child of node.children as Nodes[]) visit(child, fn);
}

/** The text a reader sees in a node: text and code, without HTML comments (`@<!-- -->name`). */
export function plainText(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code') return node.value;
  if (node.type === 'html') return node.value.startsWith('<!--') ? '' : node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}

export function tables(root: Root): Table[] {
  const out: Table[] = [];
  visit(root, (node) => {
    if (node.type === 'table') out.push(node);
  });
  return out;
}

/**
 * The structural rules of a plan comment: every table row has as many cells as its header, and
 * `<details>` blocks open and close in order. Returns the parsed tree.
 */
export function expectWellFormed(text: string): Root {
  const root = parseMarkdown(text);
  for (const table of tables(root)) {
    const header = table.children[0]!.children.length;
    expect(table.align).toHaveLength(header);
    for (const row of table.children) expect(row.children.length, plainText(row)).toBe(header);
  }
  let depth = 0;
  visit(root, (node) => {
    if (node.type !== 'html') return;
    for (const tag of node.value.matchAll(/<(\/?)details>/g)) {
      depth += tag[1] ? -1 : 1;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
  });
  expect(depth).toBe(0);
  return root;
}
