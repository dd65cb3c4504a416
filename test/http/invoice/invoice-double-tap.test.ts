// A double tap on "Pay with PayPal" (two POST /invoice/:token/pay for the same order and method at once) opened two
// PayPal orders: each press recorded its own checkout under the order's row lock, one after the other, without
// looking at the other's. Then the second press to take the lock found the first's checkout and opened nothing, but
// was only told so ("Pay was pressed again…"): the browser shows that second answer, so the buyer pressed again and
// made a second PayPal order anyway. Now the second press's page waits on the first's checkout (it loads itself
// again) and, once it is open, goes to the PayPal page the first press opened (kept on the checkout: asking PayPal
// again would make a second order, each checkout carrying its own invoice_id). PayPal is asked once.
// A checkout left being created by a process that died blocked presses of that amount until the reconciliation
// failed it (5 minutes by default): past the time its PayPal call can take, a press now proceeds. That time was read
// by the pressing instance's clock: one whose clock ran minutes ahead of the others failed a checkout another was still
// opening (and opened a second PayPal order); one behind waited on a dead one. It is the database's clock's now.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CREATING_MARGIN_MS, NEVER_CREATED_STATUS } from '../../../src/modules/payments-processor/checkouts/checkout-expiry.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder } = usePayPalApp(clock);

const createCalls = (orderId: string) =>
  env.paypal.requests.filter(
    (r) =>
      r.method === 'POST' &&
      r.path === '/v2/checkout/orders' &&
      (r.body as { purchase_units?: { custom_id?: string }[] } | undefined)?.purchase_units?.[0]?.custom_id === orderId,
  );

async function payForm(path: string): Promise<string> {
  const html = (await request(env.t.app).get(path).expect(200)).text;
  return html.match(/<form method="post" action="([^"]+)"/)![1]!.replace(/&amp;/g, '&');
}

const windowSecs = () => (env.t.services.paymentConnections.adapterFor('PAYPAL').createCheckoutMaxMs + CREATING_MARGIN_MS) / 1000;
/** Moves a checkout's creation back in the database's time (the clock its age is read by). */
const makeOlder = (checkoutId: string, secs: number) =>
  db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = "createdAt" - make_interval(secs => ${secs}::float8) WHERE id = ${checkoutId}`;

const press = (action: string) => request(env.t.app).post(action).type('form').send({ method: 'PAYPAL' });

describe('a double tap on Pay', () => {
  it('opens one PayPal order, and the second press goes to it once it is open', async () => {
    const { order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const action = await payForm(path);

    // PayPal is slow to answer the first create (as on a phone's network, the second tap comes meanwhile).
    const release = env.paypal.holdNextCreateAnswer();
    const answered: request.Response[] = [];
    const taps = [0, 1].map(() => press(action).then((r) => (answered.push(r), r)));
    await waitFor('one tap answered while the other waits on PayPal', () => answered.length === 1 && createCalls(order.id).length >= 1);

    // The second press's page: it says what happened and loads itself again while the first's payment is being opened.
    const second = answered[0]!;
    expect(second.status).toBe(303);
    const waiting = String(second.headers.location);
    const [checkout] = await db.paymentCheckout.findMany({ where: { orderId: order.id } });
    expect(waiting).toBe(`${path}/opening/${checkout!.id}`);
    const shown = await request(env.t.app).get(waiting).expect(200);
    expect(shown.text).toContain(
      'Pay was pressed again while your payment was being opened, so no second payment was started. This page goes on to that payment as soon as it is open.',
    );
    expect(shown.text).toContain('<meta http-equiv="refresh" content="2">');

    release();
    const first = (await Promise.all(taps)).find((r) => r !== second)!;
    expect(first.status).toBe(303);
    const payPalPage = String(first.headers.location);
    expect(payPalPage).toMatch(/\/checkoutnow\?token=/);

    // Its next load goes where the first press went: the same PayPal order, no second one.
    const landed = await request(env.t.app).get(waiting).expect(303);
    expect(String(landed.headers.location)).toBe(payPalPage);
    expect(createCalls(order.id)).toHaveLength(1);
    const checkouts = await db.paymentCheckout.findMany({ where: { orderId: order.id } });
    expect(checkouts.map((c) => c.state)).toEqual(['OPEN']);

    // A press later (the first PayPal page closed) opens a new checkout, as before.
    const again = await press(action).expect(303);
    expect(String(again.headers.location)).toMatch(/\/checkoutnow\?token=/);
    expect(String(again.headers.location)).not.toBe(payPalPage);
    expect(createCalls(order.id)).toHaveLength(2);
  });

  it("the second press's page says what became of a first press that failed", async () => {
    const { order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const action = await payForm(path);
    const release = env.paypal.holdNextCreateAnswer();
    const answered: request.Response[] = [];
    const taps = [0, 1].map(() => press(action).then((r) => (answered.push(r), r)));
    await waitFor('one tap answered while the other waits on PayPal', () => answered.length === 1 && createCalls(order.id).length >= 1);
    const waiting = String(answered[0]!.headers.location);
    // The first press's checkout failed (as when PayPal refused it): its page no longer waits.
    await db.paymentCheckout.updateMany({ where: { orderId: order.id, state: 'CREATING' }, data: { state: 'FAILED' } });
    const shown = await request(env.t.app).get(waiting).expect(303);
    expect(String(shown.headers.location)).toBe(`${path}?checkout=failed`);
    release();
    await Promise.all(taps);
  });

  it("the second press's page does not go on to PayPal while another payment of the order is on its way", async () => {
    const { order, path, connectionId } = await payPalOrder({ paymentStatus: 'pending' });
    const action = await payForm(path);
    const release = env.paypal.holdNextCreateAnswer();
    const answered: request.Response[] = [];
    const taps = [0, 1].map(() => press(action).then((r) => (answered.push(r), r)));
    await waitFor('one tap answered while the other waits on PayPal', () => answered.length === 1 && createCalls(order.id).length >= 1);
    const waiting = String(answered[0]!.headers.location);
    release();
    await Promise.all(taps);
    // Meanwhile another payment of the order is on its way (a PayPal eCheck from another tab, its capture PENDING):
    // a fresh press of Pay is refused, and the waiting page sent the buyer on to the first press's PayPal page anyway.
    const o = await db.order.findUniqueOrThrow({ where: { id: order.id } });
    await db.paymentCheckout.create({
      data: {
        tenantId: o.tenantId,
        orderId: o.id,
        connectionId,
        provider: 'PAYPAL',
        method: 'PAYPAL',
        amountCents: o.totalCents,
        currency: o.currency,
        orderVersion: o.version,
        state: 'PENDING',
        providerCheckoutId: 'ECHECK-PENDING-1',
      },
    });
    expect(String((await press(action).expect(303)).headers.location)).toBe(`${path}?checkout=on-its-way`);
    const shown = await request(env.t.app).get(waiting).expect(303);
    expect(String(shown.headers.location)).toBe(path);
    expect((await request(env.t.app).get(path).expect(200)).text).toContain('Payment on its way');
  });

  it('a checkout left being created by a process that died blocks a press only while its PayPal call could still answer', async () => {
    const { order, path, connectionId } = await payPalOrder({ paymentStatus: 'pending' });
    const action = await payForm(path);
    // What a process that died between recording the checkout and PayPal's answer leaves.
    const left = await db.paymentCheckout.create({
      data: {
        tenantId: order.tenantId,
        orderId: order.id,
        connectionId,
        provider: 'PAYPAL',
        method: 'PAYPAL',
        amountCents: 4250,
        currency: 'USD',
        orderVersion: (await db.order.findUniqueOrThrow({ where: { id: order.id } })).version,
      },
    });

    // Still within the time its PayPal call can take: that press may yet open it.
    const early = await press(action).expect(303);
    expect(String(early.headers.location)).toBe(`${path}/opening/${left.id}`);
    expect(createCalls(order.id)).toHaveLength(0);

    // Past it (every request createCheckout makes timed out, and the margin): no process can still be opening it.
    await makeOlder(left.id, windowSecs() + 1);
    const late = await press(action).expect(303);
    expect(String(late.headers.location)).toMatch(/\/checkoutnow\?token=/);
    expect(createCalls(order.id)).toHaveLength(1);
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: left.id } })).toMatchObject({
      state: 'FAILED',
      providerStatus: NEVER_CREATED_STATUS,
    });
    // And its page, reloaded, no longer waits either.
    const page = await request(env.t.app).get(`${path}/opening/${left.id}`).expect(303);
    expect(String(page.headers.location)).toBe(`${path}?checkout=failed`);
  });

  it("reads a checkout's time being created by the database's clock, not by an instance's clock that runs ahead or behind", async () => {
    const { order, path, connectionId } = await payPalOrder({ paymentStatus: 'pending' });
    const action = await payForm(path);
    const version = (await db.order.findUniqueOrThrow({ where: { id: order.id } })).version;
    // Another instance is opening it right now (recorded by the database's clock, as start() records it).
    const opening = await db.paymentCheckout.create({
      data: {
        tenantId: order.tenantId,
        orderId: order.id,
        connectionId,
        provider: 'PAYPAL',
        method: 'PAYPAL',
        amountCents: 4250,
        currency: 'USD',
        orderVersion: version,
      },
    });
    await db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = now() AT TIME ZONE 'UTC' WHERE id = ${opening.id}`;
    const skew = 2 * windowSecs();
    // This instance's clock runs ahead: the checkout is still being opened all the same, and no second order is made.
    clock.advance(skew);
    try {
      const ahead = await press(action).expect(303);
      expect(String(ahead.headers.location)).toBe(`${path}/opening/${opening.id}`);
      expect(String((await request(env.t.app).get(`${path}/opening/${opening.id}`).expect(200)).text)).toContain('being opened');
      expect(createCalls(order.id)).toHaveLength(0);
      expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: opening.id } })).state).toBe('CREATING');
    } finally {
      clock.advance(-skew);
    }

    // Its process died long ago by the database's clock; this instance's clock runs behind: the press proceeds.
    await makeOlder(opening.id, windowSecs() + 1);
    clock.advance(-skew);
    try {
      const behind = await press(action).expect(303);
      expect(String(behind.headers.location)).toMatch(/\/checkoutnow\?token=/);
      expect(createCalls(order.id)).toHaveLength(1);
      expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: opening.id } })).state).toBe('FAILED');
    } finally {
      clock.advance(skew);
    }
  });

  it("the reconciliation gives up on a checkout being created by the press's rule and the database's clock, not 5 minutes of its own", async () => {
    const { order, connectionId } = await payPalOrder({ paymentStatus: 'pending' });
    const version = (await db.order.findUniqueOrThrow({ where: { id: order.id } })).version;
    const opening = await db.paymentCheckout.create({
      data: {
        tenantId: order.tenantId,
        orderId: order.id,
        connectionId,
        provider: 'PAYPAL',
        method: 'PAYPAL',
        amountCents: 4250,
        currency: 'USD',
        orderVersion: version,
      },
    });
    await db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = now() AT TIME ZONE 'UTC' WHERE id = ${opening.id}`;
    const state = async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: opening.id } })).state;
    // Another instance is opening it right now; the reconciling instance's clock runs 10 minutes ahead: left alone.
    clock.advance(10 * 60);
    try {
      await env.t.services.checkouts.reconcile(5);
      expect(await state()).toBe('CREATING');
    } finally {
      clock.advance(-10 * 60);
    }
    // Past the time its PayPal call can take (by the database's clock), well before 5 minutes: failed, as a press would.
    await makeOlder(opening.id, windowSecs() + 1);
    await env.t.services.checkouts.reconcile(5);
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: opening.id } })).toMatchObject({
      state: 'FAILED',
      providerStatus: NEVER_CREATED_STATUS,
    });
  });
});
