// The job queue's gauges (waiting, failed, oldest waiting age) are read from the database at a scrape: they must say
// what that read found. prom-client serializes every metric at once, and the three gauges were written before the
// read (in ledgerline_jobs_scrape_ok's collect) had set them: each scrape showed the previous scrape's queue, and the
// first scrape after a start none at all.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/platform/metrics.js';

describe('the job queue gauges', () => {
  it("say this scrape's read of the queue", async () => {
    const metrics = createMetrics();
    let waiting = 3;
    metrics.observeJobs(async () => ({ byTask: [{ task: 'demo.task', waiting, failed: 1, oldestWaitingSeconds: 7 }] }));
    const first = await metrics.registry.metrics();
    expect(first).toMatch(/^ledgerline_jobs_scrape_ok 1$/m);
    expect(first).toMatch(/^ledgerline_jobs_waiting\{task="demo.task"\} 3$/m);
    expect(first).toMatch(/^ledgerline_jobs_failed\{task="demo.task"\} 1$/m);
    expect(first).toMatch(/^ledgerline_jobs_oldest_waiting_age_seconds\{task="demo.task"\} 7$/m);
    waiting = 5;
    expect(await metrics.registry.metrics()).toMatch(/^ledgerline_jobs_waiting\{task="demo.task"\} 5$/m);
  });

  it('are read once per scrape', async () => {
    const metrics = createMetrics();
    let reads = 0;
    metrics.observeJobs(async () => {
      reads += 1;
      return { byTask: [] };
    });
    await metrics.registry.metrics();
    expect(reads).toBe(1);
  });
});
