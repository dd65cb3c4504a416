// The amount the invoice page shows is the amount the customer is sent to pay (house style: what the customer
// sees is what they consent to). A customer opened the page at $42.50; an admin then edited the order to $50.00;
// "Pay with PayPal" on the page still open opened a $50.00 PayPal checkout. Now the page's form carries the amount it
// showed, and a press after the amount changed opens nothing: the page comes back with the new amount and says why.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { withTransaction } from '../../../src/platform/db/prisma.js';
import { lockOrder } from '../../../src/modules/orders/index.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder } = usePayPalApp(clock);

/** The pay form's action as the page draws it, and what the browser posts to it. */
function payAction(html: string): string {
  const action = html.match(/<form method="post" action="([^"]+)"/)?.[1];
  if (!action) throw new Error('no pay form on the page');
  return action.replace(/&amp;/g, '&');
}

describe('the invoice page when the amount changed while it was open', () => {
  it('pressing Pay on the old amount opens no checkout and shows the new amount; pressing it again pays that', async () => {
    const { order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const opened = (await request(env.t.app).get(path).expect(200)).text;
    expect(opened).toContain('Pay $42.50');
    const action = payAction(opened);

    // An admin edits the order while the page is open (the version moves).
    await db.order.update({ where: { id: order.id }, data: { totalCents: 5000, subtotalCents: 5000 } });

    const res = await request(env.t.app).post(action).type('form').send({ method: 'PAYPAL' }).expect(303);
    expect(res.headers.location).toBe(`${path}?checkout=amount-changed`);
    expect(await db.paymentCheckout.count({ where: { orderId: order.id } })).toBe(0);
    expect(env.paypal.orders.size).toBe(0);

    const shown = (await request(env.t.app).get(String(res.headers.location)).expect(200)).text;
    expect(shown).toContain('The shop changed this order after you opened this page: the amount to pay is now $50.00.');
    expect(shown).toContain('Pay $50.00');

    // Pressed again on the page that shows $50.00: PayPal is asked for $50.00.
    const again = await request(env.t.app).post(payAction(shown)).type('form').send({ method: 'PAYPAL' }).expect(303);
    const paypalOrderId = new URL(String(again.headers.location)).searchParams.get('token')!;
    expect(env.paypal.orders.get(paypalOrderId)!.purchaseUnit.amount.value).toBe('50.00');
    expect(await db.paymentCheckout.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({ amountCents: 5000 });
  });

  it('an edit that lands after the press but before the checkout is recorded still opens nothing (checked under the row lock)', async () => {
    // The amount used to be compared before checkouts.start's transaction: an admin's edit committed in between
    // (here: held on the order's row lock across that moment) slipped through and PayPal was asked for $50.00.
    const { order, tenant, path } = await payPalOrder({ paymentStatus: 'pending' });
    const action = payAction((await request(env.t.app).get(path).expect(200)).text);

    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    const edit = withTransaction(db, async (tx) => {
      await lockOrder(tx, tenant.id, order.id);
      await tx.order.update({ where: { id: order.id }, data: { totalCents: 5000, subtotalCents: 5000, version: { increment: 1 } } });
      locked();
      await released;
    });
    await holding;
    const press = request(env.t.app)
      .post(action)
      .type('form')
      .send({ method: 'PAYPAL' })
      .then((r) => r);
    // The press has read the order as the page showed it and now waits on the edit's row lock.
    await waitFor('the press to wait on the edit', async () => {
      const [row] = await db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM orders WHERE id = %FOR UPDATE%'`;
      return row!.n > 0 ? true : undefined;
    });
    release();
    await edit;

    const res = await press;
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${path}?checkout=amount-changed`);
    expect(await db.paymentCheckout.count({ where: { orderId: order.id } })).toBe(0);
    expect([...env.paypal.orders.values()].filter((o) => o.purchaseUnit.custom_id === order.id)).toHaveLength(0);
    const shown = (await request(env.t.app).get(String(res.headers.location)).expect(200)).text;
    expect(shown).toContain('the amount to pay is now $50.00.');
  });
});
