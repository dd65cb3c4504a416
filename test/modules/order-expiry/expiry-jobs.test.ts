// The expiry job against real PostgreSQL and real graphile-workers: racing a payment it never leaves an
// order cancelled-and-paid; its job row survives the instance that scheduled it and runs on the next one;
// with several instances running it runs once; the sweep schedules orders that never got a deadline.
import { afterAll, describe, expect, it } from 'vitest';
import type { Services } from '../../../src/container.js';
import { LEGACY_SCHEDULE_TASK } from '../../../src/modules/order-expiry/payment-window.jobs.js';
import { enqueueJob } from '../../../src/platform/jobs/queue.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { adminCtx } from '../../helpers/actors.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { MovableClock } from '../../http/invoice/invoice-fixtures.js';
import { waitFor } from '../../helpers/wait-for.js';
import { listenForJobInserts } from '../../helpers/job-inserts.js';
import { passPayWindowTime } from './pay-window-time.js';

const db = testDb();
const f = factories();
const MINUTE = 60_000;
const opened: { t: TestApp; worker?: WorkerHandle }[] = [];

async function instance(clock: MovableClock, withWorker = true) {
  const t = await createTestApp({ clock });
  const worker = withWorker
    ? await startWorker({
        connectionString: testDatabaseUrl(),
        bus: t.services.bus,
        logger: t.services.logger,
        concurrency: 2,
        pollIntervalMs: 50,
      })
    : undefined;
  const handle = { t, worker };
  opened.push(handle);
  return handle;
}
async function stop(handle: { t: TestApp; worker?: WorkerHandle }) {
  await handle.worker?.stop();
  handle.worker = undefined;
  await handle.t.services.close();
  opened.splice(opened.indexOf(handle), 1);
}
afterAll(async () => {
  for (const h of [...opened]) await stop(h);
});

/** An unpaid order as submit leaves it: items, an open payment, stock reserved. */
async function unpaidOrder(method: 'VENMO_P2P' | 'ZELLE' = 'VENMO_P2P') {
  const tenant = await f.tenant({ paymentWindowMinutes: { VENMO_P2P: 60 } });
  const customer = await f.customer({ tenantId: tenant.id });
  const product = await f.product({ tenantId: tenant.id, trackStock: true, stock: 3, unitPriceCents: 1000 });
  const order = await f.order({
    tenantId: tenant.id,
    customerId: customer.id,
    paymentMethod: method,
    paymentStatus: 'awaiting_admin_approval',
    lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1000 }],
  });
  await f.reservation({ tenantId: tenant.id, orderId: order.id, productId: product.id, quantity: 1 });
  await db.product.update({ where: { id: product.id }, data: { stock: 2 } });
  return { tenant, order, product };
}

const expiryJob = (orderId: string) =>
  db.$queryRaw<
    { run_at: Date; locked_at: Date | null }[]
  >`SELECT run_at, locked_at FROM graphile_worker._private_jobs WHERE key = ${`payment-expiry:${orderId}`}`;
const runNow = (orderId: string) =>
  db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = ${`payment-expiry:${orderId}`}`;
const audits = (s: Services, tenantId: string, orderId: string, action: string) =>
  s.audit.listFor(tenantId, 'Order', orderId).then((all) => all.filter((a) => a.action === action));

describe('expiry racing a payment', () => {
  it('ends PAID or CANCELLED, never both: the loser sees the winner under the row lock', async () => {
    const clock = new MovableClock();
    const { t } = await instance(clock, false);
    for (let i = 0; i < 8; i++) {
      const { tenant, order, product } = await unpaidOrder();
      await t.services.paymentWindows.schedule(tenant.id, order.id);
      await passPayWindowTime(db, order.id, 61 * 60);
      // The expiry job's body and the admin's approve (what the Approve button and /payment-confirm call), at once.
      const [expired, confirmed] = await Promise.allSettled([
        t.services.paymentWindows.expire(tenant.id, order.id),
        t.services.payments.confirm(adminCtx(tenant.id), { orderId: order.id }),
      ]);
      const row = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true } });
      const cancelledAudit = await audits(t.services, tenant.id, order.id, 'order.cancelled');
      const paidAudit = await audits(t.services, tenant.id, order.id, 'payment.confirmed');
      const stock = (await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock;
      // Whichever got the row lock first won; the other saw its result.
      if (row.status === 'PAID') {
        expect(expired).toMatchObject({ status: 'fulfilled', value: 'settled' });
        expect(confirmed).toMatchObject({ status: 'fulfilled', value: { changed: true } });
        expect(row.payments.map((p) => p.status)).toEqual(['paid']);
        expect(cancelledAudit).toHaveLength(0);
        expect(stock).toBe(2);
      } else {
        expect(row.status).toBe('CANCELLED');
        expect(expired).toMatchObject({ status: 'fulfilled', value: 'expired' });
        expect(confirmed).toMatchObject({ status: 'rejected', reason: { code: 'ILLEGAL_STATE' } });
        expect(row.payments.map((p) => p.status)).toEqual(['cancelled']);
        expect(paidAudit).toHaveLength(0);
        expect(stock).toBe(3);
      }
    }
  });

  it('a payment confirmed after the expiry is refused; the order stays cancelled with its stock back', async () => {
    const clock = new MovableClock();
    const { t } = await instance(clock, false);
    const { tenant, order, product } = await unpaidOrder();
    await t.services.paymentWindows.schedule(tenant.id, order.id);
    await passPayWindowTime(db, order.id, 61 * 60);
    expect(await t.services.paymentWindows.expire(tenant.id, order.id)).toBe('expired');
    await expect(t.services.payments.confirm(adminCtx(tenant.id), { orderId: order.id })).rejects.toMatchObject({
      code: 'ILLEGAL_STATE',
      message: expect.stringMatching(/cannot be marked as paid/),
    });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CANCELLED');
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(3);
    // Running the job again (at least once delivery) changes nothing.
    expect(await t.services.paymentWindows.expire(tenant.id, order.id)).toBe('settled');
    expect(await audits(t.services, tenant.id, order.id, 'order.cancelled')).toHaveLength(1);
  });
});

describe('restarts and several instances', () => {
  it('the expiry job survives the instance that scheduled it; with two instances running it runs once', async () => {
    const clock = new MovableClock();
    const first = await instance(clock);
    const { tenant, order } = await unpaidOrder();
    // A job the release before submit set deadlines itself queued (order.created>payment-window) still
    // schedules the order on a worker of this release.
    await enqueueJob(db, LEGACY_SCHEDULE_TASK, { tenantId: tenant.id, orderId: order.id });
    const dueAt = await waitFor(
      'the deadline',
      async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt ?? undefined,
    );
    expect(dueAt.getTime()).toBe(order.createdAt.getTime() + 60 * MINUTE);
    await stop(first);

    // The instance is gone; the job row is in the database, waiting for its run_at.
    const [row] = await expiryJob(order.id);
    expect(row).toMatchObject({ locked_at: null });
    expect(row!.run_at.getTime()).toBe(dueAt.getTime());

    // Two new instances (as after a deploy): the deadline passes, the job runs on one of them, once.
    const a = await instance(clock);
    const b = await instance(clock);
    await passPayWindowTime(db, order.id, 2 * 60 * 60);
    await runNow(order.id);
    await waitFor('the expiry', async () => (await db.order.findUniqueOrThrow({ where: { id: order.id } })).status === 'CANCELLED');
    await waitFor('the job finished', async () => (await expiryJob(order.id)).length === 0);
    expect(await audits(a.t.services, tenant.id, order.id, 'order.cancelled')).toHaveLength(1);
    await stop(a);
    await stop(b);
  });

  it('scheduling sets one deadline with exactly one reminder and one expiry job, however many runs race; none for a paid order', async () => {
    const clock = new MovableClock();
    const { t } = await instance(clock, false);
    const { order } = await unpaidOrder();
    const added = await listenForJobInserts();
    const runs = await Promise.all(Array.from({ length: 6 }, () => t.services.paymentWindows.schedule(order.tenantId, order.id)));
    // Both jobs in one graphile_worker.add_jobs call (one NOTIFY with both): the winning run's statement.
    expect(await added.stop()).toEqual([2]);
    const dueAt = runs[0]!.dueAt;
    // Placed now with a 60-minute window: due an hour after placement, the reminder at half-time.
    expect(dueAt.getTime()).toBe(order.createdAt.getTime() + 60 * MINUTE);
    expect(runs.map((r) => r!.dueAt.getTime())).toEqual(runs.map(() => dueAt.getTime()));
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt).toEqual(dueAt);
    const jobs = await db.$queryRaw<{ key: string; task: string; run_at: Date; payload: Record<string, unknown>; max_attempts: number }[]>`
      SELECT j.key, t.identifier AS task, j.run_at, j.payload, j.max_attempts FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.key LIKE ${`%:${order.id}%`} ORDER BY j.run_at`;
    expect(jobs.map((j) => [j.key, j.task, j.max_attempts])).toEqual([
      [`payment-reminder:${order.id}>discord-notify`, 'order.payment_reminder>discord-notify', 12],
      [`payment-expiry:${order.id}`, 'order.payment_window.expire', 12],
    ]);
    expect(jobs[0]!.run_at.getTime()).toBe(dueAt.getTime() - 30 * MINUTE);
    expect(jobs[0]!.payload).toEqual({ tenantId: order.tenantId, orderId: order.id, dueAt: dueAt.toISOString() });
    expect(jobs[1]!.run_at.getTime()).toBe(dueAt.getTime());
    expect(jobs[1]!.payload).toEqual({ tenantId: order.tenantId, orderId: order.id });

    const paid = await unpaidOrder();
    await db.order.update({ where: { id: paid.order.id }, data: { status: 'PAID' } });
    expect(await t.services.paymentWindows.schedule(paid.order.tenantId, paid.order.id)).toBeNull();
    expect((await db.order.findUniqueOrThrow({ where: { id: paid.order.id } })).paymentDueAt).toBeNull();
    expect(await expiryJob(paid.order.id)).toHaveLength(0);
    // Another shop's id finds nothing.
    expect(await t.services.paymentWindows.schedule(paid.order.tenantId, order.id)).toBeNull();
  });

  it('the sweep gives a deadline to unpaid orders that never got one, with half a window left at least', async () => {
    const clock = new MovableClock();
    const { t } = await instance(clock, false);
    const { tenant, order } = await unpaidOrder();
    // Placed three hours ago, before pay windows existed: its 60-minute window would already be over.
    const placed = new Date(clock.now().getTime() - 3 * 60 * MINUTE);
    await db.order.update({ where: { id: order.id }, data: { createdAt: placed } });
    const paid = await unpaidOrder();
    await db.order.update({ where: { id: paid.order.id }, data: { status: 'PAID', createdAt: placed } });
    expect(await t.services.paymentWindows.sweep()).toBeGreaterThanOrEqual(1);
    const due = (await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt!;
    expect(due.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(30 * MINUTE - 5_000);
    expect(due.getTime() - clock.now().getTime()).toBeLessThanOrEqual(30 * MINUTE);
    expect((await db.order.findUniqueOrThrow({ where: { id: paid.order.id } })).paymentDueAt).toBeNull();
    expect(await expiryJob(order.id)).toHaveLength(1);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
    // Scheduled once: a second sweep leaves it alone.
    await t.services.paymentWindows.sweep();
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt).toEqual(due);
    expect(tenant.id).toBe(order.tenantId);
  });
});
