import { defineConfig } from 'vitest/config';
import { LongFirstSequencer } from './test/long-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-file.ts'],
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    sequence: { sequencer: LongFirstSequencer },
    // Far from UTC on purpose: timestamps are stored as UTC, and a test run in UTC would hide any code
    // that reads or writes them as local time.
    env: { TZ: 'Pacific/Auckland' },
  },
});
