// The app, a real graphile-worker and the fake TaxJar over HTTP, for the files that drive TaxJar filing through the
// REST API: started before the file's tests and stopped after them. Each call makes its own (nothing is kept at the
// module's top level: files of one vitest worker share it, isolate: false).
import { afterAll, beforeAll } from 'vitest';
import { FakeTaxjar } from '../../../src/dev/fake-taxjar.js';
import { TAX_SYNC_TASK } from '../../../src/modules/tax/tax-sync.enqueue.js';
import type { Db } from '../../../src/platform/db/prisma.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDatabaseUrl } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';

export const TAXJAR_TEST_KEY = 'tj-test-key';

export interface TaxjarWorkerApp {
  fake: FakeTaxjar;
  /** The app (set once beforeAll ran). */
  readonly t: TestApp;
  /** Waits until the order's sync jobs (and the order.paid / order.refunded hops before them) have all finished. */
  settled(orderId: string): Promise<void>;
}

export function useTaxjarWorkerApp(db: Db): TaxjarWorkerApp {
  const fake = new FakeTaxjar({ apiKeys: [TAXJAR_TEST_KEY] });
  let t: TestApp | undefined;
  let worker: WorkerHandle | undefined;
  beforeAll(async () => {
    await fake.start();
    t = await createTestApp({ env: { TAXJAR_API_URL: fake.url } });
    worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus: t.services.bus,
      logger: t.services.logger,
      concurrency: 2,
      pollIntervalMs: 50,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.services.close();
    await fake.stop();
  });
  return {
    fake,
    get t() {
      if (!t) throw new Error('the TaxJar test app is not started yet (use it inside a test)');
      return t;
    },
    settled: async (orderId) => {
      await waitFor(`the TaxJar sync of ${orderId}`, async () => {
        const pending = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs j
          WHERE j.payload->>'orderId' = ${orderId} AND j.task_id IN (SELECT id FROM graphile_worker._private_tasks
            WHERE identifier IN (${TAX_SYNC_TASK}, 'order.paid>tax-sync', 'order.refunded>tax-sync'))`;
        return pending[0]!.n === 0;
      });
    },
  };
}
