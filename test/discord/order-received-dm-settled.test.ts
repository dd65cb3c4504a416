// The "order received" DM is a job queued with the order: when the order was cancelled (the customer's Cancel order
// at once, the shop, the pay window) or paid before that job ran (a worker backlog, Discord down and the job
// retried), the DM still said "Please pay $X for order #N" with the shop's payment instructions, after the
// cancellation or the receipt had told the customer otherwise. It is now sent only while the order still waits for
// payment, by the invoice link DM's rule (invoice-link-dm-settled.test.ts); the cancellation and the receipt still go.
import { afterEach, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { afterFirstRun } from '../helpers/job-queue.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import type { WorkerHandle } from '../../src/platform/jobs/worker.js';
import {
  componentInteraction,
  customIdsOf,
  interact,
  member,
  messageOf,
  commandInteraction,
  startHarnessWorker,
  useHarness,
} from './harness.js';
import { walkToReview } from './flows.js';

const f = factories();
const db = testDb();
// No worker until the test starts one: the order's jobs wait, as behind a backlog, while the order changes.
const h = useHarness();
const TASKS = [`${EVENTS.orderCreated}>discord-notify`, `${EVENTS.orderCancelled}>discord-notify`, `${EVENTS.orderPaid}>discord-notify`];

let worker: WorkerHandle | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

/** A customer's order placed through /order (Venmo: the DM would carry the shop's instructions), its jobs not yet run. */
async function placedOrder() {
  const s = await f.shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const { review } = await walkToReview(h, as, { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id });
  const confirmId = customIdsOf(review).find((c) => c.startsWith('order:confirm:'))!;
  const submitted = await interact(h, componentInteraction(as, confirmId, { message: messageOf(review) }));
  const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
  const admin = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
  return { s, as, admin, order, submitted };
}

/** Runs the queued jobs once each; the customer's DMs, as JSON text each. */
async function customerDmsAfterJobs(discordUserId: string): Promise<string[]> {
  worker = await startHarnessWorker(h.t);
  expect(await afterFirstRun(db, TASKS)).toEqual([]);
  return h.fake
    .directMessages()
    .filter((m) => m.userId === discordUserId)
    .map((m) => JSON.stringify(m.body));
}

describe('the "order received" DM of an order settled before its job ran', () => {
  it('is not sent once the customer cancelled the order; the cancellation is', async () => {
    const { s, as, order, submitted } = await placedOrder();
    const ask = await interact(h, componentInteraction(as, `orders:cancel:${order.id}:0`, { message: messageOf(submitted) }));
    await interact(h, componentInteraction(as, `orders:cancel-confirm:${order.id}:0`, { message: messageOf(ask) }));
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CANCELLED');

    const dms = await customerDmsAfterJobs(s.customer.discordUserId);
    // Before: "order #N received ... Please pay $X" with Venmo's instructions, beside the cancellation.
    expect(dms.filter((d) => d.includes('Please pay'))).toEqual([]);
    expect(dms.filter((d) => d.includes(`order #${order.number} cancelled`))).toHaveLength(1);
  });

  it('is not sent once an admin confirmed the payment; the receipt is', async () => {
    const { s, admin, order } = await placedOrder();
    await interact(h, commandInteraction(admin, 'payment-confirm', { orderid: String(order.number) }));
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');

    const dms = await customerDmsAfterJobs(s.customer.discordUserId);
    expect(dms.filter((d) => d.includes('Please pay'))).toEqual([]);
    expect(dms.filter((d) => d.includes(`receipt for order #${order.number}`))).toHaveLength(1);
  });

  it('asks only for what is still owed once part of it was recorded', async () => {
    const { s, admin, order } = await placedOrder();
    const part = 100;
    await interact(h, commandInteraction(admin, 'payment-confirm', { orderid: String(order.number), amount: part }));
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).amountReceivedCents).toBe(part);

    const dms = await customerDmsAfterJobs(s.customer.discordUserId);
    const usd = (cents: number) => `$${(cents / 100).toFixed(2)}`;
    const received = dms.filter((d) => d.includes(`order #${order.number} received`));
    expect(received).toHaveLength(1);
    // Before: "Please pay **$total**", the part already recorded asked for again.
    expect(received[0]).toContain(
      `Please pay **${usd(order.totalCents - part)}** of ${usd(order.totalCents)} (${usd(part)} already received)`,
    );
  });

  it('is sent while the order still waits for payment', async () => {
    const { s, order } = await placedOrder();
    const dms = await customerDmsAfterJobs(s.customer.discordUserId);
    expect(dms.filter((d) => d.includes(`order #${order.number} received`) && d.includes('Please pay'))).toHaveLength(1);
  });
});
