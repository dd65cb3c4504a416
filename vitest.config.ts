import { defineConfig } from 'vitest/config';
import { LongFirstSequencer } from './test/long-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-file.ts'],
    pool: 'forks',
    maxWorkers: 3,
    // Budgets for a test or hook that hangs, not speed checks: a two-core machine with both cores busy runs
    // everything several times slower, and no test may fail only because of that.
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // expect.poll waits 1 s by default: a speed check. The same budget as test/helpers/wait-for.ts instead.
    expect: { poll: { timeout: 45_000 } },
    reporters: ['default'],
    sequence: { sequencer: LongFirstSequencer },
    // Far from UTC on purpose: timestamps are stored as UTC, and a test run in UTC would hide any code
    // that reads or writes them as local time.
    env: { TZ: 'Pacific/Auckland' },
  },
});
