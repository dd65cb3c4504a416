// "Record amount received" pressed on an admin post that is out of date queues the post's redraw
// (order.admin_post_out_of_date, payments/receipt-form.ts) under one job key per order. Its subscriber runs in the
// shop's admin-channel lane, where a key used to be dropped: every press added a redraw. Now presses while the
// redraw waits in the lane add none; once it has run, a press queues one again. No worker runs until the test
// starts one, so the redraw waits for as long as the test needs.
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerHandle } from '../../src/platform/jobs/worker.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitForJobsDone } from '../helpers/job-queue.js';
import { waitFor } from '../helpers/wait-for.js';
import { commandInteraction, componentInteraction, interact, member, startHarnessWorker, textOf, useHarness } from './harness.js';

const db = testDb();
const f = factories(db);
const h = useHarness();
const REDRAW = `${EVENTS.adminPostOutOfDate}>discord-admin-message`;

let worker: WorkerHandle | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

/** The order's redraws waiting in the shop's lane. */
const redrawsQueued = async (orderId: string) =>
  (
    await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM lane_jobs WHERE task = ${REDRAW} AND payload->>'orderId' = ${orderId}`
  )[0]!.n;

describe('"Record amount received" pressed on an out-of-date post', () => {
  it('queues one redraw of the post however often it is pressed while the redraw waits, and one again once it has run', async () => {
    const { shop: s, order } = await f.unpaidZelleOrder();
    const admin = () => ({ guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) });
    const [a, b] = [admin(), admin()];
    // Admin A records $20.00; admin B's post still shows nothing received (its button carries r0).
    await interact(h, commandInteraction(a, 'payment-confirm', { orderid: String(order.number), amount: 2000 }));
    await waitFor('the $20.00 recorded', async () => (await db.paymentReceipt.count({ where: { orderId: order.id } })) === 1);
    const payment = await db.payment.findFirstOrThrow({ where: { orderId: order.id } });
    const press = async () => {
      const pressed = await interact(h, componentInteraction(b, `payment:receipt:${payment.id}:r0`));
      expect(pressed.type).toBe(4);
      expect(textOf(pressed)).toContain('Nothing was recorded. This post is being refreshed');
    };

    await press();
    await press();
    await press();
    expect(await redrawsQueued(order.id)).toBe(1);

    worker = await startHarnessWorker(h.t);
    await waitForJobsDone();
    await worker.stop();
    worker = undefined;
    expect(await redrawsQueued(order.id)).toBe(0);

    await press();
    await press();
    expect(await redrawsQueued(order.id)).toBe(1);
  });
});
