import path from 'node:path';
import type { Writable } from 'node:stream';
import { refuseOverwrite } from '../refuse-overwrite.ts';
import { UserError } from '../../src/errors.ts';
import { exportState, lineLayoutChunks, readStore, writeFileAtomic } from '../../src/store/index.ts';
import { flag, stringOption, type Command } from '../command.ts';
import { unprocessedEvents } from '../journal-status.ts';
import { displayPath, refuseMissingFolder, refuseStoreFile, STORE_HELP, STORE_OPTIONS, storePathFor } from '../store-options.ts';
import { compileOrFail } from '../workspace.ts';

export const stateExport: Command = {
  name: 'state export',
  usage: '[--out FILE] [--hash-ids] [--keep-field NAME]… [--store FILE]',
  help: [
    '--out FILE                 write the snapshot to FILE (atomically) instead of standard output',
    '--hash-ids                 replace contact ids by keyed hashes too',
    '--keep-field NAME          also keep this contact field (repeatable; personal fields are hashed)',
    STORE_HELP,
    '',
    'The snapshot is a read-only store file: the deployed program, lineage and serial; contacts with',
    'their scores, segments and only the fields, tags and event properties that conditions read',
    '(emails and names hashed when read, birthdays without the year); enrollments. No outbox, suppression',
    'list or audit log. docs/ci.md lists exactly what is kept.',
  ],
  options: {
    ...STORE_OPTIONS,
    out: { type: 'string' },
    'hash-ids': { type: 'boolean' },
    'keep-field': { type: 'string', multiple: true },
  },
  async run(ctx, args) {
    const out = stringOption(args, 'out');
    if (out !== undefined && out.trim() === '') throw new UserError('The --out option is empty; pass the file to write, e.g. --out snapshot.json.');
    // With --store, no workspace is needed: the snapshot is made from the deployed program.
    const storeFile =
      stringOption(args, 'store') !== undefined
        ? storePathFor(ctx, args, { workspace: ctx.cwd, program: null })
        : storePathFor(ctx, args, await compileOrFail(ctx, args, { typecheck: false }));
    if (out !== undefined) {
      refuseMissingFolder(ctx, '--out', path.resolve(ctx.cwd, out));
      refuseStoreFile(ctx, '--out', path.resolve(ctx.cwd, out), storeFile);
      refuseOverwrite(ctx, '--out', path.resolve(ctx.cwd, out), 'snapshot');
    }
    const label = displayPath(ctx, storeFile);
    const store = await readStore(storeFile, { label });
    if (!store) throw new UserError(`There is no store at "${label}". Pass the production store with --store FILE.`);
    if (store.snapshot) throw new UserError(`"${label}" is already a state snapshot; export from the store itself.`);
    if (!store.deployed) ctx.err('warning: nothing is deployed in this store yet, so no contact field is kept; plans against this snapshot show every contact without fields.');
    const keep = args.values['keep-field'];
    const schemaFields = store.deployed ? Object.keys(store.deployed.program.schema.contact) : null;
    const unknown = schemaFields && Array.isArray(keep) ? keep.find((field) => !schemaFields.includes(field)) : undefined;
    if (unknown !== undefined) {
      throw new UserError(`--keep-field "${unknown}" is not a field of the deployed contact schema (${schemaFields!.join(', ')}). Nothing was written.`);
    }
    const snapshot = exportState(store, {
      hashIds: flag(args, 'hash-ids'),
      keepFields: Array.isArray(keep) ? keep : [],
      unprocessedEvents: unprocessedEvents(storeFile, store),
    });
    const chunks = lineLayoutChunks(snapshot);
    if (out === undefined) {
      await writeChunks(ctx.stdout, chunks);
      return 0;
    }
    const outFile = path.resolve(ctx.cwd, out);
    try {
      await writeFileAtomic(outFile, chunks);
    } catch (error) {
      throw new UserError(`Cannot write the snapshot to "${displayPath(ctx, outFile)}": ${(error as Error).message}.`);
    }
    const { kept, hashed, yearRemoved, dropped } = snapshot.snapshot!.fields;
    const revealed = snapshot.snapshot!.revealingIdsHashed ?? 0;
    const list = (fields: string[]) => (fields.length ? fields.join(', ') : 'none');
    ctx.out(
      [
        `Exported the state of ${label} (serial ${store.serial}) to ${displayPath(ctx, outFile)}: ${store.contacts.length} contacts${snapshot.snapshot!.hashedIds ? ' (ids hashed)' : revealed ? ` (${revealed.toLocaleString('en-US')} id${revealed === 1 ? '' : 's'} hashed: made from an email address)` : ''}, ${store.events.length} events, ${store.enrollments.length} enrollments.`,
        `  fields kept: ${list(kept)}`,
        `  hashed: ${list(hashed)}`,
        ...(yearRemoved.length ? [`  year removed: ${list(yearRemoved)}`] : []),
        `  left out: ${list(dropped)}`,
      ].join('\n'),
    );
    return 0;
  },
};

async function writeChunks(stream: Writable, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', resolve));
  }
}
