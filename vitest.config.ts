import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Provides the Temporal servers (built or fetched once per machine) and the workflow bundle.
    globalSetup: ['./test/support/global-setup.ts'],
    // Replay and bundle tests start the Temporal runtime (Rust core) and webpack; end-to-end
    // tests start servers and processes: give them room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/support/tier-reporter.ts'],
  },
});
