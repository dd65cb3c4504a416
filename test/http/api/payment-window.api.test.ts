// POST /api/orders/:id/payment-window: an admin's integration gives an unpaid order more time. The deadline
// moves, the scheduled expiry and reminder move with it (their job rows, replaced by job key), an audit
// entry names the API key, and the old deadline passing no longer cancels the order. Errors: bad bodies,
// a time in the past or before the current deadline, a paid order.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { passPayWindowTime } from '../../modules/order-expiry/pay-window-time.js';
import { MovableClock } from '../invoice/invoice-fixtures.js';
import { apiTenant, pendingOrder } from './api-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const MINUTE = 60_000;
let t: TestApp;
let shop: Awaited<ReturnType<typeof apiTenant>>;

beforeAll(async () => {
  t = await createTestApp({ clock });
  shop = await apiTenant(t, { paymentWindowMinutes: { VENMO_P2P: 180 } });
});
afterAll(async () => {
  await t.services.close();
});

const extend = (orderId: string, body: unknown) =>
  request(t.app)
    .post(`/api/orders/${orderId}/payment-window`)
    .set(shop.auth)
    .send(body as object);
const jobs = (orderId: string) =>
  db.$queryRaw<
    { key: string; run_at: Date; payload: { dueAt?: string } }[]
  >`SELECT key, run_at, payload FROM graphile_worker._private_jobs WHERE payload->>'orderId' = ${orderId} AND key IS NOT NULL ORDER BY key`;

async function scheduledOrder() {
  const order = await pendingOrder(shop, { paymentMethod: 'VENMO_P2P' });
  const { dueAt } = (await t.services.paymentWindows.schedule(shop.tenant.id, order.id))!;
  return { order, dueAt };
}

describe('POST /api/orders/:id/payment-window', () => {
  it('extendByMinutes pushes the deadline; the expiry and reminder jobs move with it; the old deadline no longer cancels', async () => {
    const { order, dueAt } = await scheduledOrder();
    expect(dueAt.getTime()).toBe(order.createdAt.getTime() + 180 * MINUTE);
    const res = await extend(order.id, { extendByMinutes: 120 }).expect(200);
    const newDue = new Date(dueAt.getTime() + 120 * MINUTE);
    expect(res.body).toEqual({ orderId: order.id, paymentDueAt: newDue.toISOString(), previousDueAt: dueAt.toISOString() });

    // One expiry and one reminder job, both for the new deadline (the reminder at half the 180-minute window before it),
    // and the customer's notice of the new deadline, keyed by it.
    const all = await jobs(order.id);
    expect(all.map((r) => r.key)).toContain(`pay-window-extended:${order.id}:${newDue.toISOString()}>discord-notify`);
    const rows = all.filter((r) => !r.key.startsWith('pay-window-extended:'));
    expect(rows.map((r) => r.key)).toEqual([`payment-expiry:${order.id}`, `payment-reminder:${order.id}>discord-notify`]);
    expect(rows[0]!.run_at.getTime()).toBe(newDue.getTime());
    expect(rows[1]!.run_at.getTime()).toBe(newDue.getTime() - 90 * MINUTE);
    expect(rows[1]!.payload.dueAt).toBe(newDue.toISOString());

    // The REST order says so; the audit trail names the key.
    const got = await request(t.app).get(`/api/orders/${order.id}`).set(shop.auth).expect(200);
    expect(got.body.paymentDueAt).toBe(newDue.toISOString());
    const [entry] = (await t.services.audit.listFor(shop.tenant.id, 'Order', order.id)).filter(
      (a) => a.action === 'order.payment_window_extended',
    );
    expect(entry).toMatchObject({
      actorType: 'API_KEY',
      actorId: shop.keyRecord.id,
      before: { paymentDueAt: dueAt.toISOString() },
      after: { paymentDueAt: newDue.toISOString() },
    });

    // The original deadline passes (by the database's clock, the one the expiry reads): the expiry (run as its job
    // would) finds the order not due and keeps it.
    await passPayWindowTime(db, order.id, 190 * 60);
    expect(await t.services.paymentWindows.expire(shop.tenant.id, order.id)).toBe('not_due');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
    // Past the new one, it expires.
    await passPayWindowTime(db, order.id, 120 * 60);
    expect(await t.services.paymentWindows.expire(shop.tenant.id, order.id)).toBe('expired');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CANCELLED');
  });

  it('until sets the deadline to that moment; an order not scheduled yet can be extended too', async () => {
    const order = await pendingOrder(shop, { paymentMethod: 'VENMO_P2P' });
    const until = new Date(clock.now().getTime() + 5 * 24 * 60 * MINUTE);
    until.setUTCMilliseconds(0);
    const res = await extend(order.id, { until: until.toISOString() }).expect(200);
    expect(res.body).toMatchObject({ paymentDueAt: until.toISOString(), previousDueAt: null });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt).toEqual(until);
    // A late scheduling (the sweep, or a job an older release queued) keeps the admin's deadline.
    expect(await t.services.paymentWindows.schedule(shop.tenant.id, order.id)).toEqual({ dueAt: until });
  });

  it('refuses bad bodies, past or earlier times, and orders not waiting for payment', async () => {
    const { order, dueAt } = await scheduledOrder();
    for (const body of [
      {},
      { extendByMinutes: 0 },
      { extendByMinutes: 1.5 },
      { extendByMinutes: '60' },
      { extendByMinutes: 60, until: dueAt.toISOString() },
      { until: 'tomorrow' },
      { until: '2026-12-01T10:00:00' },
      { hours: 2 },
    ]) {
      const res = await extend(order.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const past = await extend(order.id, { until: new Date(clock.now().getTime() - MINUTE).toISOString() }).expect(400);
    expect(past.body.error.message).toMatch(/in the future/);
    const earlier = await extend(order.id, { until: new Date(dueAt.getTime() - MINUTE).toISOString() }).expect(400);
    expect(earlier.body.error.message).toMatch(/already due at/);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt).toEqual(dueAt);

    await t.services.payments.confirm(shop.ctx, { orderId: order.id });
    const paid = await extend(order.id, { extendByMinutes: 60 }).expect(409);
    expect(paid.body.error).toMatchObject({ code: 'ILLEGAL_STATE', message: expect.stringMatching(/only an order waiting for payment/) });
    // Paid: the order says it is no longer due, as documented ("null once paid or cancelled"); it kept the deadline.
    const got = await request(t.app).get(`/api/orders/${order.id}`).set(shop.auth).expect(200);
    expect(got.body).toMatchObject({ status: 'PAID', paymentDueAt: null });
  });
});
