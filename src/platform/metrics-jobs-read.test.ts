// The job gauges' shared read per scrape (metrics.ts): a read that fails, even by throwing before it returns its
// promise, gives ledgerline_jobs_scrape_ok 0 at that scrape and is tried again at the next. A throw before the promise
// cleared the shared read before it was stored, and every later scrape answered 0 without reading the queue again.
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

const scrapeOk = async (m: ReturnType<typeof createMetrics>) => /^ledgerline_jobs_scrape_ok (\d)$/m.exec(await m.registry.metrics())?.[1];

describe('the job gauges after a read that failed', () => {
  it('read the queue again at the next scrape', async () => {
    const m = createMetrics();
    let fail = true;
    m.observeJobs((() => {
      if (fail) throw new Error('no connection');
      return Promise.resolve({ byTask: [{ task: 'order.paid', waiting: 2, failed: 0, oldestWaitingSeconds: 5 }] });
    }) as () => Promise<{ byTask: { task: string; waiting: number; failed: number; oldestWaitingSeconds: number }[] }>);
    expect(await scrapeOk(m)).toBe('0');
    fail = false;
    expect(await scrapeOk(m)).toBe('1');
    expect(await m.registry.metrics()).toMatch(/^ledgerline_jobs_waiting\{task="order.paid"\} 2$/m);
  });
});
