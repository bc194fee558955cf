import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { applyImport } from '../../src/contacts/apply-import.ts';
import { planImport, type ImportPlan } from '../../src/contacts/plan-import.ts';
import { CONTACT_FILE_FORMATS, formatFromExtension, readContactFile, type ContactFile, type ContactFileFormat } from '../../src/contacts/read-contact-file.ts';
import { zodContactValidator } from '../../src/contacts/validate-contact.ts';
import { UserError } from '../../src/errors.ts';
import { colors } from '../../src/render/colors.ts';
import { importReport, importSummaryLine, renderImportChanges } from '../../src/render/import-report.ts';
import { createStore, readStore, writeStore } from '../../src/store/index.ts';
import { flag, stringOption, type Command } from '../command.ts';
import type { CliContext } from '../context.ts';
import { NOW_HELP, NOW_OPTIONS, nowFor, refuseChangeBeforeClock } from '../clock.ts';
import { progressBar } from '../progress.ts';
import { displayPath, LOCK_HELP, LOCK_OPTIONS, lockStoreUnlessDryRun, STORE_HELP, STORE_OPTIONS, storePathFor } from '../store-options.ts';
import { compileOrFail } from '../workspace.ts';

/** Input files above this size are refused (`--max-size` raises it, up to what one string can hold). */
const DEFAULT_MAX_MB = 256;
const HARD_MAX_MB = 500;
/** Above this size, a terminal shows "Reading FILE…" while the file is parsed. */
const BIG_FILE_BYTES = 1024 * 1024;
/** Contacts whose change --dry-run prints (text) before "… and N more contacts". */
const DEFAULT_LIMIT = 50;
/** Errors shown before "… and N more". */
const MAX_SHOWN = 20;

export const contactsImport: Command = {
  name: 'contacts import',
  usage: 'FILE [--format csv|json|jsonl] [--dry-run [--limit N]] [--json] [--store FILE] [--now ISO]',
  help: [
    '--format csv|json|jsonl    the file format (default: from the extension)',
    '--dry-run                  show what would be created and updated, write nothing',
    `--limit N                  contacts shown by --dry-run in text (default ${DEFAULT_LIMIT}; --json shows all)`,
    '--json                     print the result as JSON (docs/store-format.md)',
    STORE_HELP,
    LOCK_HELP,
    NOW_HELP,
    `--max-size MB              refuse larger files (default ${DEFAULT_MAX_MB}, at most ${HARD_MAX_MB})`,
    '',
    'Columns (CSV) or keys (JSON) are the contact schema\'s fields plus "id" and "tags" (";"-separated',
    'in CSV). A row updates the contact with its id, else with its email (case-insensitive); cells',
    'left empty keep the stored value (in JSON, null clears a field). If any row is invalid,',
    'nothing is written.',
  ],
  options: {
    ...STORE_OPTIONS,
    ...LOCK_OPTIONS,
    ...NOW_OPTIONS,
    format: { type: 'string' },
    'dry-run': { type: 'boolean' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    'max-size': { type: 'string' },
  },
  maxPositionals: 1,
  async run(ctx, args) {
    const input = args.positionals[0];
    if (input === undefined) throw new UserError('Missing the file to import: `campaign contacts import FILE`.');
    if (input.trim() === '') throw new UserError('The file argument is empty; give the file to import: `campaign contacts import FILE`.');
    const format = inputFormat(input, stringOption(args, 'format'));
    const maxBytes = maxSize(stringOption(args, 'max-size')) * 1024 * 1024;
    const dryRun = flag(args, 'dry-run');
    const json = flag(args, 'json');
    const limit = Number(stringOption(args, 'limit') ?? DEFAULT_LIMIT);
    if (!Number.isInteger(limit) || limit < 0) throw new UserError('--limit takes a whole number of contacts.');
    if (stringOption(args, 'limit') !== undefined && !dryRun) throw new UserError('--limit sets how many contacts --dry-run shows; add --dry-run, or leave --limit out.');
    const now = nowFor(ctx, args);
    const compiled = await compileOrFail(ctx, args);
    const { program } = compiled;
    const storeFile = storePathFor(ctx, args, compiled);
    const storeLabel = displayPath(ctx, storeFile);
    const inputFile = path.resolve(ctx.cwd, input);
    const name = displayPath(ctx, inputFile);

    const buffer = await readInput(inputFile, name, maxBytes);
    const columns = new Set(['id', 'tags', ...Object.keys(program.schema.contact)]);
    const progress = progressBar(ctx.stderr, `Importing ${name}`);
    if (buffer.length > BIG_FILE_BYTES) progress.note(`Reading ${name}…`);
    const file = readContactFile(buffer, format, name, columns);
    progress.done();

    const lock = await lockStoreUnlessDryRun(ctx, args, storeFile, 'campaign contacts import', dryRun);
    try {
      const existing = await readStore(storeFile, { label: storeLabel });
      refuseChangeBeforeClock(ctx, args, now, existing?.clock ?? null, 'an import');
      const data = existing ?? createStore(now);
      const plan = planImport(data, file.rows, {
        schema: program.schema.contact,
        emailField: program.settings.fields.email,
        timezoneField: program.settings.fields.timezone,
        validate: zodContactValidator(compiled.schemas!.contact),
        coerce: format === 'csv',
        now,
        onProgress: (done, total) => progress.update(done, total),
      });
      progress.done();
      reportProblems(ctx, file, plan, name);
      const warnings = importWarnings(file, plan, name);
      for (const warning of warnings) ctx.err(`warning: ${warning}`);

      const c = colors(ctx.color);
      const changed = plan.changes.length > 0 || existing === null;
      if (!dryRun && changed) {
        applyImport(data, plan, { now, env: ctx.env, file: path.basename(inputFile), consentField: program.settings.consent.email });
        await writeStore(storeFile, data, { label: storeLabel, now: () => now });
      }
      if (json) {
        ctx.out(JSON.stringify(importReport(plan, { dryRun, file: name, store: storeLabel, warnings }), null, 2));
      } else {
        if (dryRun) for (const line of renderImportChanges(plan.changes, program.settings.fields.email, c, limit)) ctx.out(line);
        ctx.out(importSummaryLine(plan, dryRun));
        if (dryRun) ctx.out(c.dim('Dry run: nothing was written.'));
        else if (changed) ctx.out(c.dim(`Store: ${storeLabel} (serial ${data.serial}).`));
        else ctx.out(c.dim('Nothing to change.'));
      }
      return 0;
    } finally {
      lock?.release();
    }
  },
};

function inputFormat(input: string, option: string | undefined): ContactFileFormat {
  if (option !== undefined) {
    if (!(CONTACT_FILE_FORMATS as readonly string[]).includes(option)) throw new UserError(`Unknown format "${option}": use csv, json or jsonl.`);
    return option as ContactFileFormat;
  }
  const format = formatFromExtension(input);
  if (!format) throw new UserError(`Cannot tell the format of "${input}" from its extension; pass --format csv, json or jsonl.`);
  return format;
}

function maxSize(option: string | undefined): number {
  if (option === undefined) return DEFAULT_MAX_MB;
  const mb = Number(option);
  if (!Number.isFinite(mb) || mb < 1 || mb > HARD_MAX_MB) throw new UserError(`--max-size "${option}" must be a number of megabytes between 1 and ${HARD_MAX_MB}.`);
  return mb;
}

async function readInput(file: string, name: string, maxBytes: number): Promise<Buffer> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UserError(`"${name}" is not a file.`);
    size = info.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`Cannot read "${name}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  if (size > maxBytes) {
    const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
    throw new UserError(`"${name}" is ${mb(size)}, over the ${mb(maxBytes)} import limit; split it into smaller files and import them one after another (or raise --max-size).`);
  }
  return readFile(file);
}

/** Prints every problem (at most MAX_SHOWN) and throws when there is any: nothing is written. */
function reportProblems(ctx: CliContext, file: ContactFile, plan: ImportPlan, name: string): void {
  const all = [
    ...file.problems,
    ...plan.problems.map((p) => ({ where: file.locate(p.row), position: file.position(p.row), message: p.message })),
  ].sort((a, b) => a.position - b.position);
  if (all.length === 0) return;
  for (const problem of all.slice(0, MAX_SHOWN)) ctx.err(`${problem.where}: ${problem.message}`);
  if (all.length > MAX_SHOWN) ctx.err(`… and ${all.length - MAX_SHOWN} more`);
  const count = all.length === 1 ? '1 problem' : `${all.length} problems`;
  throw new UserError(`"${name}" has ${count} (see above); fix the file and import it again. Nothing was written.`);
}

function importWarnings(file: ContactFile, plan: ImportPlan, name: string): string[] {
  const warnings: string[] = [];
  const first = plan.duplicates[0];
  if (first) {
    const where = first.rows.map((row) => file.locate(row).slice(name.length).replace(/^:/, 'line ').replace(/^ /, '')).join(', ');
    const others = plan.duplicates.length - 1;
    warnings.push(
      others === 0
        ? `contact ${JSON.stringify(first.id)} appears more than once in ${name} (${where}); its rows apply in order, a later value replacing an earlier one.`
        : `${plan.duplicates.length} contacts appear more than once in ${name}, e.g. ${JSON.stringify(first.id)} (${where}); each one's rows apply in order, a later value replacing an earlier one.`,
    );
  }
  if (plan.suppressed > 0) {
    warnings.push(`${plan.suppressed === 1 ? '1 imported address is' : `${plan.suppressed} imported addresses are`} suppressed (unsubscribed, complained, bounced, erased or by hand); they stay suppressed and will not be emailed, whatever their consent says, until \`campaign resubscribe\` takes them off the list.`);
  }
  return warnings;
}
