import path from 'node:path';
import { exportChunks, fieldsOutsideSchema, type ExportFormat } from '../../src/contacts/export-contacts.ts';
import { UserError } from '../../src/errors.ts';
import { readStore, writeFileAtomic } from '../../src/store/index.ts';
import { flag, stringOption, type Command } from '../command.ts';
import { displayPath, refuseMissingFolder, refuseStoreFile, STORE_HELP, STORE_OPTIONS, storePathFor } from '../store-options.ts';
import { compileOrDeployed } from '../workspace.ts';
import { writeChunks } from '../write-chunks.ts';

const FORMATS: readonly ExportFormat[] = ['csv', 'json', 'jsonl'];

export const contactsExport: Command = {
  name: 'contacts export',
  usage: '[--format csv|json|jsonl] [--out FILE] [--raw-formulas] [--store FILE]',
  help: [
    '--format csv|json|jsonl    the output format (default: from --out\'s extension, else csv)',
    '--out FILE                 write to FILE (atomically) instead of standard output',
    '--raw-formulas             CSV: write text cells starting with = + - @ (or a tab or CR) as they are',
    STORE_HELP,
    '',
    'In CSV, a text cell that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab',
    'or a carriage return) is written with a \' in front, so that opening the file runs nothing;',
    '`contacts import` removes that \' again. Numbers such as -5 are written as they are.',
  ],
  options: { ...STORE_OPTIONS, format: { type: 'string' }, out: { type: 'string' }, 'raw-formulas': { type: 'boolean' } },
  async run(ctx, args) {
    const out = stringOption(args, 'out');
    const format = exportFormat(stringOption(args, 'format'), out);
    if (format !== 'csv' && flag(args, 'raw-formulas')) throw new UserError(`--raw-formulas is for CSV: ${format.toUpperCase()} is written as it is; leave the option out.`);
    const { compiled, fallback } = await compileOrDeployed(ctx, args, 'contacts export');
    const storeFile = storePathFor(ctx, args, compiled ?? { workspace: ctx.cwd, program: null });
    if (out !== undefined) {
      refuseStoreFile(ctx, '--out', path.resolve(ctx.cwd, out), storeFile);
      refuseMissingFolder(ctx, '--out', path.resolve(ctx.cwd, out));
    }
    const storeLabel = displayPath(ctx, storeFile);
    const data = await readStore(storeFile, { label: storeLabel });
    if (!data) throw new UserError(`There is no store at "${storeLabel}" yet; import contacts first (\`campaign contacts import FILE\`).`);
    if (!compiled) fallback(data.deployed);
    const schema = (compiled?.program ?? data.deployed!.program).schema.contact;
    const dropped = fieldsOutsideSchema(data.contacts, schema);
    if (dropped.length > 0) ctx.err(`warning: stored fields not in the contact schema are not exported: ${dropped.map((f) => JSON.stringify(f)).join(', ')}.`);
    const tally = { formulaCells: 0 };
    const chunks = exportChunks(data.contacts, schema, format, { rawFormulas: flag(args, 'raw-formulas'), tally });
    if (out === undefined) {
      await writeChunks(ctx.stdout, chunks);
      // Standard output is the CSV itself: the note goes to stderr.
      if (tally.formulaCells > 0) ctx.err(`note: ${formulaNote(tally.formulaCells)}.`);
      return 0;
    }
    const outFile = path.resolve(ctx.cwd, out);
    try {
      await writeFileAtomic(outFile, chunks);
    } catch (error) {
      throw new UserError(`Cannot write the contacts to "${displayPath(ctx, outFile)}": ${(error as Error).message}.`);
    }
    const note = tally.formulaCells > 0 ? `; ${formulaNote(tally.formulaCells)}` : '';
    ctx.out(`Exported ${data.contacts.length} contact${data.contacts.length === 1 ? '' : 's'} to ${displayPath(ctx, outFile)}${note}.`);
    return 0;
  },
};

function formulaNote(cells: number): string {
  const one = cells === 1;
  return `${cells} cell${one ? '' : 's'} that a spreadsheet would run as a formula start${one ? 's' : ''} with ' (--raw-formulas writes ${one ? 'it as it is' : 'them as they are'})`;
}

function exportFormat(option: string | undefined, out: string | undefined): ExportFormat {
  if (option !== undefined) {
    if (!(FORMATS as readonly string[]).includes(option)) throw new UserError(`Unknown format "${option}": use csv, json or jsonl.`);
    return option as ExportFormat;
  }
  const ext = out !== undefined ? /\.([a-z0-9]+)$/i.exec(path.basename(out))?.[1]?.toLowerCase() : undefined;
  if (ext === undefined) return 'csv';
  if (ext === 'ndjson') return 'jsonl';
  if ((FORMATS as readonly string[]).includes(ext)) return ext as ExportFormat;
  // A spreadsheet's name (.xlsx) would get CSV in it, which the spreadsheet program then refuses.
  throw new UserError(`--out "${out}": contacts are exported as CSV, JSON or JSONL; name the file .csv, .json or .jsonl, or give --format. Nothing was written.`);
}
