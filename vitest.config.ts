import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    clearMocks: true,
    // Removes the temp folders made outside a test once the file's tests are done (test/helpers/tmp.ts).
    setupFiles: ['test/helpers/setup.ts'],
    restoreMocks: true,
    // git and archive suites spawn processes; 2 cores on CI.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
