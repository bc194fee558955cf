import { createRequire, syncBuiltinESMExports } from 'node:module';

/**
 * While the workspace's modules load (load.ts), the network is off: definitions must not depend
 * on what a server says.
 */

const require = createRequire(import.meta.url);

/** The calls that open a connection, by built-in module, that `blockNetwork` replaces while modules load. */
const NETWORK_CALLS: Record<string, string[]> = { http: ['request', 'get'], https: ['request', 'get'], net: ['connect', 'createConnection'], tls: ['connect'] };

/**
 * Makes `fetch` and the built-in modules' connection calls throw until `restore`: the module's own
 * named imports (`import { get } from 'node:http'`) see it too (`syncBuiltinESMExports`).
 */
export function blockNetwork(): { restore(): void } {
  const refuse = (what: string) => () => {
    throw new Error(`a campaign module must not use the network while it loads (${what}): its definitions would change with what the server says; put the data in the workspace (a .ts or .json file it imports)`);
  };
  const saved: (() => void)[] = [];
  const fetch = globalThis.fetch;
  globalThis.fetch = ((input: unknown) => refuse(`fetch ${typeof input === 'string' ? input : 'of a URL'}`)()) as typeof globalThis.fetch;
  saved.push(() => (globalThis.fetch = fetch));
  for (const [name, calls] of Object.entries(NETWORK_CALLS)) {
    const builtin = require(`node:${name}`) as Record<string, unknown>;
    for (const call of calls) {
      const original = builtin[call];
      builtin[call] = refuse(`${name}.${call}`);
      saved.push(() => (builtin[call] = original));
    }
  }
  syncBuiltinESMExports();
  return {
    restore() {
      for (const undo of saved) undo();
      syncBuiltinESMExports();
    },
  };
}
