import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at once even on two cores (vitest's default there is one): most tests wait on
    // child processes, fsync and servers, and the suite takes ~40% less time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The compiler bundles a workspace into a new temporary folder and imports it natively, as the
    // CLI does: left to Vite, every compile's bundle (the DSL inlined) would be transformed anew.
    server: { deps: { external: [/[\\/]campaignkit-load-[^\\/]+[\\/]/] } },
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
