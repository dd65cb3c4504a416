import { defineConfig } from 'vitest/config';
import { LongFirstSequencer } from './test/long-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-file.ts'],
    pool: 'forks',
    // As many workers as the CI machine has cores. A browser file is several busy processes (Chromium's, the app,
    // PostgreSQL's backend), and three of them on two cores ran each file about twice as slowly as two did, so a
    // third worker bought nothing: test/admin/ (46 files, 18 in Chromium) took 279 s with 2 workers, 295 s with 3
    // (CPU 199 s vs 227 s); its 18 browser files alone 256 s vs 341 s (a shared 2-core machine, December 2026).
    maxWorkers: 2,
    // Each worker imports the app once for all the files it runs, not once per file (the whole app's module
    // graph: about 2 s of CPU per file, 167 times). Each file still gets its own database (setup-file.ts runs
    // per file) and its own app (createTestApp); what a helper module keeps at its top level is shared by the
    // files of one worker, so it must not hold one file's database (factories() reads it when called).
    isolate: false,
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
