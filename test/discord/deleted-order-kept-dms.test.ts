// The customer DMs that still matter once their order is deleted (docs/decisions/jobs.md, "A job whose row is gone
// ends"): an admin confirms the payment, ships the parcel, marks it delivered and refunds a part (the REST API), then
// deletes the order in the panel before the worker got to the DMs (a backlog; here no worker runs until then). The
// receipt (the customer's money reached the shop), the refund notice (money coming back) and the shipping notice (the
// tracking number) still reach the customer, once each, built from the delete's audit snapshot; the delivery notice is
// dropped (nothing to do, no money, the parcel is in their hands). No job fails. A customer erased after the delete gets
// them with nothing personal; a customer gone since gets none, and no job fails.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { EVENTS } from '../../src/modules/shared/events.js';
import { trackingLink } from '../../src/modules/shipping/carriers.js';
import { startWorker } from '../../src/platform/jobs/worker.js';
import { loggedIn } from '../admin/admin-helpers.js';
import { adminCtx } from '../helpers/actors.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { afterFirstRun } from '../helpers/job-queue.js';
import { walkToReview } from './flows.js';
import { componentInteraction, customIdsOf, interact, member, messageOf, textOf, useHarness, useHarnessServer } from './harness.js';

const f = factories();
const db = testDb();
// No worker: the jobs the admin's changes queue wait, as in a backlog, until runQueued.
const h = useHarness();

const served = useHarnessServer(h);

const DM_TASKS = [EVENTS.orderCreated, EVENTS.orderPaid, EVENTS.orderShipped, EVENTS.orderDelivered, EVENTS.orderRefunded].map(
  (event) => `${event}>discord-notify`,
);
const TRACKING = '1Z999AA10123456784';
/** What the customer typed at checkout and Discord shows of them: no DM after the delete may hold any of it. */
const PERSONAL = ['janeroe', '1 Elm St', 'Springfield'];

/**
 * An order placed by a customer in Discord (address typed in the modal), then, through the REST API, paid, shipped
 * with tracking, delivered and refunded in part, and deleted in the panel: every DM job about it still queued.
 */
async function deletedAfterEverything() {
  const s = await f.shop();
  const { key } = await h.t.services.apiKeys.create(adminCtx(s.tenant.id), 'deleted-order DMs', 'READ_WRITE');
  const api = (method: 'post' | 'patch', path: string, body: object = {}) =>
    request(h.t.app)
      [method](`/api${path}`)
      .set({ authorization: `Bearer ${key}`, 'idempotency-key': `${method}:${path}:${Object.values(body).join(':')}`.replace(/\s/g, '_') })
      .send(body);
  const jane = member({ username: 'janeroe' });
  const as = { guildId: s.guild.id, user: jane };
  const { review } = await walkToReview(h, as, { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id, openAddressForm: true });
  const submitted = await interact(h, componentInteraction(as, customIdsOf(review)[0]!, { message: messageOf(review) }));
  expect(textOf(submitted)).toContain('Order submitted');
  const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id }, include: { customer: true, items: true } });
  expect(JSON.stringify(order.shippingAddress)).toContain('1 Elm St');

  await api('post', `/orders/${order.id}/payment/confirm`).expect(200);
  await api('patch', `/orders/${order.id}`, { shippingStatus: 'SHIPPED', trackingNumber: TRACKING }).expect(200);
  await api('patch', `/orders/${order.id}`, { shippingStatus: 'DELIVERED' }).expect(200);
  await api('post', `/orders/${order.id}/refunds`, { amountCents: 500, reason: 'Box arrived dented' }).expect(201);

  const owner = await loggedIn(served.baseUrl, (await f.adminUser({ tenantId: s.tenant.id })).email);
  const deleted = await owner.agent.post(`/admin/api/resources/Order/records/${order.id}/delete`).set(owner.headers());
  expect(deleted.body.notice.message).toMatch(/was deleted/);
  expect(await db.order.findUnique({ where: { id: order.id } })).toBeNull();
  return { s, api, order, customer: order.customer };
}

/** Starts a job worker, waits until each queued DM job has run once, stops it; the DM jobs still queued (a failure). */
async function runQueued() {
  const worker = await startWorker({
    connectionString: testDatabaseUrl(),
    bus: h.t.services.bus,
    logger: h.t.services.logger,
    concurrency: 2,
    pollIntervalMs: 100,
  });
  try {
    return await afterFirstRun(db, DM_TASKS);
  } finally {
    await worker.stop();
  }
}

/** The DMs the customer got, by the order number's title they carry. */
function dmsTo(userId: string, number: number) {
  const bodies = h.fake
    .directMessages()
    .filter((m) => m.userId === userId)
    .map((m) => JSON.stringify(m.body));
  const titled = (title: string) => bodies.filter((b) => b.includes(title));
  return {
    all: bodies,
    created: titled(`order #${number} received`),
    receipt: titled(`receipt for order #${number}`),
    shipped: titled(`order #${number} shipped`),
    delivered: titled(`order #${number} delivered`),
    refund: titled(`refund on order #${number}`),
  };
}

/** The DM jobs queued now, as graphile-worker holds them (task and payload), to run the same jobs again. */
async function queuedDmJobs(): Promise<{ task: string; payload: unknown }[]> {
  return db.$queryRaw<{ task: string; payload: unknown }[]>`
    SELECT t.identifier AS task, j.payload FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = ANY(${DM_TASKS}::text[])`;
}

describe('customer DMs that still matter after their order was deleted', () => {
  it('the receipt, the refund and the shipping notice reach the customer once each; the delivery notice does not; no job fails', async () => {
    const { order, customer } = await deletedAfterEverything();
    const jobs = await queuedDmJobs();
    expect(jobs.map((j) => j.task).sort()).toEqual([...DM_TASKS].sort());

    // Before: every one of them ended unsent ("the order was deleted since the event").
    expect(await runQueued()).toEqual([]);
    const dms = dmsTo(customer.discordUserId, order.number);
    const count = (d: typeof dms) => ({
      receipt: d.receipt.length,
      shipped: d.shipped.length,
      refund: d.refund.length,
      // Dropped: the parcel is in the customer's hands. The payment instructions of a deleted order never go either.
      delivered: d.delivered.length,
      created: d.created.length,
      all: d.all.length,
    });
    expect(count(dms)).toEqual({ receipt: 1, shipped: 1, refund: 1, delivered: 0, created: 0, all: 3 });

    // What the order was: its lines, its totals, how it was paid.
    const receipt = dms.receipt[0]!;
    expect(receipt).toContain('Payment received with Venmo');
    expect(receipt).toContain(order.items[0]!.name);
    expect(receipt).toContain(`**Total: $${(order.totalCents / 100).toFixed(2)}**`);
    // The tracking the admin entered, with the carrier's link.
    const shipped = dms.shipped[0]!;
    expect(shipped).toContain(TRACKING);
    expect(shipped).toContain(`Follow it here: ${trackingLink(TRACKING, null)!.url}`);
    expect(shipped).toContain('Track package');
    // The refund, its reason and where the order stood after it.
    const refund = dms.refund[0]!;
    expect(refund).toContain('The shop is sending **$5.00** back to you by Venmo.');
    expect(refund).toContain('Reason: Box arrived dented');
    expect(refund).toContain(`Refunded so far: $5.00 of $${(order.totalCents / 100).toFixed(2)}.`);
    // Nothing of the address: the snapshot is read without it.
    for (const dm of dms.all) for (const text of PERSONAL) expect(dm).not.toContain(text);

    // The same jobs run again (a retry after a lost acknowledgement): under the keys they had, nothing is sent twice.
    for (const job of jobs) await db.$executeRaw`SELECT graphile_worker.add_job(${job.task}, ${JSON.stringify(job.payload)}::json)`;
    expect(await runQueued()).toEqual([]);
    expect(count(dmsTo(customer.discordUserId, order.number))).toEqual(count(dms));
  });

  it('a customer erased after the delete gets them with nothing personal in them', async () => {
    const { api, order, customer } = await deletedAfterEverything();
    await api('post', `/customers/${customer.id}/erase`).expect(200);

    expect(await runQueued()).toEqual([]);
    const dms = dmsTo(customer.discordUserId, order.number);
    // Before: none of them.
    expect({
      receipt: dms.receipt.length,
      shipped: dms.shipped.length,
      refund: dms.refund.length,
      delivered: dms.delivered.length,
    }).toEqual({ receipt: 1, shipped: 1, refund: 1, delivered: 0 });
    for (const dm of dms.all) for (const text of PERSONAL) expect(dm).not.toContain(text);
  });

  it('a customer gone since gets none of them, and no job fails', async () => {
    const { order, customer } = await deletedAfterEverything();
    await db.customer.delete({ where: { id: customer.id } });

    expect(await runQueued()).toEqual([]);
    expect(dmsTo(customer.discordUserId, order.number).all).toEqual([]);
  });
});
