import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../src/errors.ts';
import { stringOption, type Command } from '../command.ts';
import { CONFIG_FILE } from '../../src/compiler/discover.ts';
import { STARTER_FILES } from '../init/starter-files.ts';
import { displayPath } from '../store-options.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';

/** Entries a directory may already hold and still count as empty (a fresh `git init`). */
const IGNORED = new Set(['.git']);

/** This command's script, for a `Next:` line that works where `campaign` is not on the PATH. */
const CLI_SCRIPT = path.join(PACKAGE_ROOT, 'cli', 'campaign.js');

/** A path as a POSIX shell takes it: in single quotes (nothing expands there) when it needs quoting. */
const quoted = (text: string) => (/[^\w@%+=:,./-]/.test(text) ? `'${text.replace(/'/g, `'\\''`)}'` : text);

/**
 * How to run `campaign` from where the user goes next: through npx when npx or a package script
 * (`npm run campaign -- init`) ran this one — each put node_modules/.bin on the PATH for this
 * process only —, by name when the PATH has it (a global install, `npm link`), else through node
 * with this script's path.
 */
function campaignCommand(env: NodeJS.ProcessEnv, from: string): string {
  if (env.npm_command === 'exec' || env.npm_command === 'run-script' || env.npm_lifecycle_event !== undefined) return 'npx campaign';
  const onPath = (env.PATH ?? '').split(path.delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(path.join(dir, 'campaign'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return onPath ? 'campaign' : `node ${quoted(path.relative(from, CLI_SCRIPT))}`;
}

export const init: Command = {
  name: 'init',
  usage: '[DIR]',
  help: [
    'DIR                        the folder to create it in (default: --workspace DIR, else the current',
    '                           folder when it is empty, else ./campaigns, where every command looks',
    '                           for the workspace); it must be empty or not exist yet',
    '',
    'The new workspace validates and plans right away; `campaignkit` and `zod` resolve to this',
    "campaign command's copies, so it needs no `npm install`.",
  ],
  options: {},
  maxPositionals: 1,
  async run(ctx, args) {
    // `--workspace DIR`, which every command takes, names the folder too.
    const [dir] = args.positionals;
    const workspace = stringOption(args, 'workspace');
    if (dir?.trim() === '' || workspace?.trim() === '') throw new UserError('The folder argument is empty; give a new or empty folder, or leave it out for the current one. Nothing was written.');
    if (dir !== undefined && workspace !== undefined && path.resolve(ctx.cwd, dir) !== path.resolve(ctx.cwd, workspace)) {
      throw new UserError(`\`campaign init ${dir} --workspace ${workspace}\` names two folders; give one: \`campaign init DIR\`. Nothing was written.`);
    }
    // No folder named: the current one when it is empty, as `git init`; else (a project's folder,
    // like `npm init` or `terraform init` accept) ./campaigns, which every command finds from here.
    const nested = dir === undefined && workspace === undefined && !isEmptyFolder(ctx.cwd);
    if (nested && existsSync(path.join(ctx.cwd, CONFIG_FILE))) {
      throw new UserError(`The current folder already holds a workspace (${CONFIG_FILE}); \`campaign validate\` checks it. Nothing was written.`);
    }
    const target = path.resolve(ctx.cwd, dir ?? workspace ?? (nested ? 'campaigns' : '.'));
    const name = target === path.resolve(ctx.cwd) ? '.' : displayPath(ctx, target);
    if (existsSync(target)) {
      if (!statSync(target).isDirectory()) throw new UserError(`"${name}" is a file; pass a new or empty folder to \`campaign init\`.`);
      const entries = readdirSync(target).filter((entry) => !IGNORED.has(entry));
      if (entries.length > 0) {
        throw new UserError(`"${name}" is not empty (it holds "${entries.sort()[0]}"${entries.length > 1 ? ` and ${entries.length - 1} more` : ''}); pass a new or empty folder to \`campaign init\`. Nothing was written.`);
      }
    }
    const files = Object.keys(STARTER_FILES);
    try {
      for (const file of files) {
        const full = path.join(target, ...file.split('/'));
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, STARTER_FILES[file]!, { flag: 'wx' });
      }
    } catch (error) {
      // A path through a file (ENOTDIR), a read-only folder, a full disk: the user's to fix.
      throw new UserError(`Cannot create the workspace in "${name}": ${(error as Error).message}.`);
    }
    // ./campaigns is found from the current folder: no `cd` (the store goes in the workspace all the same).
    const cd = name === '.' || nested ? '' : `cd ${quoted(name)} && `;
    const campaign = campaignCommand(ctx.env, nested ? ctx.cwd : target);
    const where = name === '.' ? 'the current folder' : nested ? `"${name}" (the current folder is not empty)` : `"${name}"`;
    ctx.out(
      [
        `Created a campaignkit workspace in ${where}:`,
        ...files.sort().map((file) => `  ${file}`),
        '',
        `Next: ${cd}${campaign} validate && ${campaign} plan`,
      ].join('\n'),
    );
    return 0;
  },
};

/** A folder that does not exist, or holds nothing but what IGNORED names. */
function isEmptyFolder(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).every((entry) => IGNORED.has(entry));
}
