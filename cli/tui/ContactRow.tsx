import type { PreviewModel } from '../../src/tui-support/preview-model.ts';
import { Columns, type Column } from './Columns.tsx';

/** Column widths of contact rows for a given line width. */
export function contactWidths(width: number, extra: number) {
  const rest = Math.max(20, width - 2 - extra - 4);
  const email = Math.max(16, Math.floor(rest * 0.4));
  const name = Math.max(8, Math.floor(rest * 0.22));
  const plan = 10;
  const company = Math.max(6, rest - email - name - plan);
  return { email, name, company, plan };
}

/** A contact in a list: email, name, company, plan (the workspace's key fields), and an extra column. */
export function ContactRow({ model, index, width, extra, extraWidth = 0, header = false }: { model: PreviewModel; index: number; width: number; extra?: string; extraWidth?: number; header?: boolean }) {
  const w = contactWidths(width, extraWidth ? extraWidth + 1 : 0);
  const contact = model.contacts[index];
  const cells: Column[] = header || !contact
    ? [
        { text: 'email', width: w.email, dim: true },
        { text: 'name', width: w.name, dim: true },
        { text: 'company', width: w.company, dim: true },
        { text: model.columns.planField ?? '', width: w.plan, dim: true },
      ]
    : [
        { text: model.columns.email(contact) || contact.id, width: w.email },
        { text: model.columns.name(contact), width: w.name },
        { text: model.columns.company(contact), width: w.company },
        { text: model.columns.plan(contact), width: w.plan },
      ];
  if (extraWidth) cells.push({ text: header ? (extra ?? '') : (extra ?? ''), width: extraWidth, dim: header });
  return <Columns cells={cells} />;
}
