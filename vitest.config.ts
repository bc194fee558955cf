import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const TESTS = ['test/**/*.test.ts', 'test/**/*.test.tsx'];
// Files that run in a fresh process each, as every file used to: those that change a module for
// the whole process (node:fs replaced with vi.mock, which the modules they import must load mocked;
// nodemailer's MimeNode patched, which the test wants to see before and after), and the terminal
// UI's screens rendered with ink and React, which wait for frames against timeouts: run after other
// files in a shared worker, large-store ran past its timeout in 2 of 2 full runs and late-render
// missed a frame once, on a loaded machine.
const OWN_PROCESS = [
  'test/runtime/journal-lock.test.ts',
  'test/store/durable-directory.test.ts',
  'test/store/lock-folder-durable.test.ts',
  'test/store/lock-takeover.test.ts',
  'test/runtime/deliver/memoize-header-keys.test.ts',
  'test/**/*.test.tsx',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A folder for the whole run: what a worker prepares once for all its files (test/helpers/runtime-cli.ts).
    globalSetup: ['test/helpers/global-setup.ts'],
    // Two files at once even on two cores (vitest's default there is one): most tests wait on
    // child processes, fsync and servers, and the suite takes ~40% less time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The compiler bundles a workspace into a new temporary folder and imports it natively, as the
    // CLI does: left to Vite, every compile's bundle (the DSL inlined) would be transformed anew.
    server: { deps: { external: [/[\\/]campaignkit-load-[^\\/]+[\\/]/] } },
    projects: [
      {
        extends: true,
        test: {
          name: 'tests',
          include: TESTS,
          exclude: OWN_PROCESS,
          // A worker runs file after file in one process: campaignkit, TypeScript and the example's
          // compilation are loaded once per worker instead of once per file (the tests pass their
          // environment, streams and folders to the CLI, and change no global state).
          isolate: false,
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      { extends: true, test: { name: 'own process', include: OWN_PROCESS } },
    ],
  },
});
