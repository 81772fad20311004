import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    clearMocks: true,
    restoreMocks: true,
    // git and archive suites spawn processes; 2 cores on CI.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
