// The whole service as `npm start` runs it (src/main.ts, PROCESS_ROLES unset: web and admin here, the job worker in
// a supervised child) on the test file's own database and a fake Discord that answers 500 to opening a DM. A receipt
// DM runs in the child and fails; the parent's /metrics counts the failed attempts in ledgerline_job_failures_total
// (the child tells it over their IPC channel: it serves no /metrics of its own, and the parent's counter said 0).
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '../../src/modules/shared/events.js';
import { enqueueJob } from '../../src/platform/jobs/queue.js';
import { testDb } from '../helpers/db.js';
import { startSupervisedMain, stopDevMains, type SupervisedMain } from '../helpers/dev-start.js';
import { factories } from '../helpers/factories.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';
import { waitFor } from '../helpers/wait-for.js';

const f = factories();
const children: ChildProcess[] = [];
let fake: FakeDiscordApi;
let main: SupervisedMain;
const output = () => main.output();

beforeAll(async () => {
  // Discord fails every DM channel it is asked to open (a 5xx: the job is retried with backoff).
  fake = await new FakeDiscordApi().start();
  fake.fail({ path: /^\/users\/@me\/channels/, status: 500, body: { message: '500: Internal Server Error', code: 0 }, times: Infinity });
  // Only the job reaches Discord.
  main = await startSupervisedMain(
    { DISCORD_BOT_TOKEN: 'test-bot-token-xxxxxxxxxxxxxxxxxxxx', DISCORD_API_BASE_URL: fake.apiBase },
    children,
  );
}, 180_000);

afterAll(async () => {
  await stopDevMains(children);
  await fake?.stop();
});

const failuresOf = async (task: string) => {
  const line = await main.metric(`ledgerline_job_failures_total{task="${task}"}`);
  return line ? Number(line.split(' ')[1]) : 0;
};

describe('a job that fails in the supervised job worker child', () => {
  it("is counted in the parent's /metrics", async () => {
    const task = `${EVENTS.orderPaid}>discord-notify`;
    expect(await failuresOf(task)).toBe(0);

    // A receipt DM for a paid order: the child's job worker runs it, and Discord answers 500.
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, status: 'PAID', paymentStatus: 'paid' });
    await enqueueJob(testDb(), task, { tenantId: s.tenant.id, orderId: order.id, paymentId: order.payment.id });

    // The child logs the failed attempt (its stdout is the parent's)...
    await waitFor(
      () => `the job worker child to log the failed attempt:\n${output().slice(-3000)}`,
      () => output().includes('job failed; it will be retried with backoff'),
      { timeoutMs: 120_000 },
    );
    // ...and the parent's /metrics counts it.
    const counted = await waitFor(
      () => `the parent's /metrics to count the failure:\n${output().slice(-3000)}`,
      async () => failuresOf(task),
    );
    expect(counted).toBeGreaterThanOrEqual(1);
    expect(fake.calls.some((c) => c.status === 500 && c.path === '/users/@me/channels')).toBe(true);
  }, 180_000);
});
