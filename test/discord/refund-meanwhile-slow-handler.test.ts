// /refund's "refunded meanwhile" check counts from when the admin sent the command, and that time is read off Discord's
// stamp as the interaction arrives. The stamp's age is bounded (15 s: an age beyond what delivery can take is this
// instance's clock off from Discord's), so it must be measured at arrival: measured later, in the handler, the time
// the service itself took (a busy database) counted as age, was cut to 15 s, and moved the send time later than it
// was. A refund another admin made in that gap was then taken as seen, and the order refunded twice.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, interact, textOf, useHarness } from './harness.js';
import { paidShopOrder } from './flows.js';

const h = useHarness();
const f = factories();
const db = testDb();

/** Longer than the 15 s bound on a stamp's age, with room for a busy machine. */
const SLOW_MS = 20_000;

describe('/refund whose handling is slow', () => {
  it('still refuses a refund made after the command was sent', { timeout: 120_000 }, async () => {
    const { tenant, order, asAdmin } = await paidShopOrder(f);
    const { key } = await h.t.services.apiKeys.create(adminCtx(tenant.id), 'Till', 'READ_WRITE');

    // The admin's /refund reaches a service that is slow to find the order; meanwhile another admin refunds $10.00
    // through the API, just after the command was sent.
    const orders = h.t.services.orders;
    const findByRef = orders.findByRef.bind(orders);
    orders.findByRef = async (...args: Parameters<typeof findByRef>) => {
      await request(h.t.app)
        .post(`/api/orders/${order.id}/refunds`)
        .set({ authorization: `Bearer ${key}` })
        .send({ amountCents: 1000 })
        .expect(201);
      await new Promise((r) => setTimeout(r, SLOW_MS));
      return findByRef(...args);
    };
    try {
      const reply = await interact(h, commandInteraction(asAdmin, 'refund', { order: String(order.number), amount: 1000 }));
      expect(textOf(reply)).toContain(`Order #${order.number} was refunded meanwhile: $10.00 by API key "Till"`);
    } finally {
      orders.findByRef = findByRef;
    }
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(1000);
  });
});
