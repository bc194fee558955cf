import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Set by the built CLI (`cli/build.js`): the package's folder, where it was built from. */
declare const CAMPAIGNKIT_ROOT: string | undefined;

/**
 * campaignkit's own folder (where package.json is): one level up from this file in src/, and
 * named by the built CLI, whose files are elsewhere (node_modules/.cache/campaignkit-cli/). Files
 * found from here (the DSL, the compose worker, the CLI script) are then the same for both.
 */
export const PACKAGE_ROOT = typeof CAMPAIGNKIT_ROOT === 'string' ? CAMPAIGNKIT_ROOT : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Running the built CLI (`cli/build.js`), not the sources. */
export const BUILT = typeof CAMPAIGNKIT_ROOT === 'string';
