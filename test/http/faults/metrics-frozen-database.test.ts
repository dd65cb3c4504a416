// A /metrics scrape while the database does not answer at all (frozen, a network partition): the job queue's
// gauges are read from the database at every scrape, and the scrape waited on that read for as long as it hung
// (the pool's client-side query timeout, 20 s by default), past Prometheus' scrape timeout (10 s): the whole scrape
// failed, and with it the series that say what is wrong (the pool's waiting clients, ledgerline_jobs_scrape_ok).
// The read is bounded as /readyz's database check is; past the bound, ledgerline_jobs_scrape_ok says 0.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/platform/metrics.js';

const HANG_BUDGET_MS = 30_000;

describe('/metrics with a frozen database', () => {
  it('answers, saying the job queue could not be read', async () => {
    const metrics = createMetrics();
    metrics.observeJobs(() => new Promise(() => undefined), 200);
    let budget: NodeJS.Timeout | undefined;
    const text = await Promise.race([
      metrics.registry.metrics(),
      new Promise<string>((resolve) => {
        // A budget for a hang, not a timing assertion: the bound checked is the read's own 200 ms.
        budget = setTimeout(() => resolve('the scrape was still waiting on the job queue'), HANG_BUDGET_MS);
      }),
    ]);
    clearTimeout(budget);
    expect(text).toMatch(/^ledgerline_jobs_scrape_ok 0$/m);
  }, 60_000);
});
