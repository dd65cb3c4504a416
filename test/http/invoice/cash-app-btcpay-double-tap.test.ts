// A double tap on Pay for Cash App Pay (Square) and Bitcoin (BTCPay). Cash App Pay: nothing exists at Square before
// the buyer's token is charged, so the checkout opens at once and a second press, coming after it, was not taken for
// a double tap (only a checkout opened after the press began was): it opened a second uncharged checkout, with its
// own page. Now a press finds the order's open uncharged checkout of this amount and goes to its page. Bitcoin: the
// second press made while the first's invoice was being created was only told so; now its page goes to the invoice
// the first press opened, once it is open. One checkout each, one BTCPay invoice.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { UNCHARGED_CHECKOUT_WINDOW_MINUTES } from '../../../src/modules/payments-processor/checkouts/checkout-expiry.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { connectedShopOrder, useProvidersApp } from './square-btcpay-fixtures.js';

const db = testDb();
const { env } = useProvidersApp();

async function shopWithOrder(method: 'CASHAPP_PAY' | 'BTC_INVOICE') {
  const { order, path } = await connectedShopOrder(env, method);
  const html = (await request(env.t.app).get(path).expect(200)).text;
  const action = html.match(/<form method="post" action="([^"]+)"/)![1]!.replace(/&amp;/g, '&');
  return { order, path, press: () => request(env.t.app).post(action).type('form').send({ method }) };
}

describe('a double tap on Pay', () => {
  it('Cash App Pay: the second press goes to the page of the checkout the first opened', async () => {
    const { order, path, press } = await shopWithOrder('CASHAPP_PAY');
    const first = await press().expect(303);
    const page = String(first.headers.location);
    expect(page).toMatch(new RegExp(`^${path}/cash-app/chk_[0-9a-f]+$`));
    // The second tap, after the first was answered; then two at once.
    const second = await press().expect(303);
    const both = await Promise.all([press().expect(303), press().expect(303)]);
    expect([second, ...both].map((r) => String(r.headers.location))).toEqual([page, page, page]);
    const checkouts = await db.paymentCheckout.findMany({ where: { orderId: order.id } });
    expect(checkouts.map((c) => c.state)).toEqual(['OPEN']);
    await request(env.t.app).get(page).expect(200);
  });

  it("Bitcoin: the second press's page goes to the invoice the first press opened", async () => {
    const { order, path, press } = await shopWithOrder('BTC_INVOICE');
    const release = env.btcpay.holdNextInvoiceAnswer();
    const answered: request.Response[] = [];
    const taps = [0, 1].map(() => press().then((r) => (answered.push(r), r)));
    await waitFor('one tap answered while the other waits on BTCPay', () => answered.length === 1);
    const second = answered[0]!;
    const [checkout] = await db.paymentCheckout.findMany({ where: { orderId: order.id } });
    expect(String(second.headers.location)).toBe(`${path}/opening/${checkout!.id}`);
    await request(env.t.app).get(`${path}/opening/${checkout!.id}`).expect(200);
    release();
    const first = (await Promise.all(taps)).find((r) => r !== second)!;
    const invoicePage = String(first.headers.location);
    expect(invoicePage).toMatch(/\/i\//);
    const landed = await request(env.t.app).get(`${path}/opening/${checkout!.id}`).expect(303);
    expect(String(landed.headers.location)).toBe(invoicePage);
    expect([...env.btcpay.invoices.values()].filter((i) => i.metadata?.orderId === order.id)).toHaveLength(1);
  });

  it('Cash App Pay: a checkout past the time it closes by itself is not gone back to', async () => {
    const { order, press } = await shopWithOrder('CASHAPP_PAY');
    const first = String((await press().expect(303)).headers.location);
    // Its creation moved back in the database's time, the clock its window is read by (checkout-expiry.ts).
    const checkoutId = /\/cash-app\/(chk_[0-9a-f]+)$/.exec(first)![1]!;
    await db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = "createdAt" - make_interval(mins => ${UNCHARGED_CHECKOUT_WINDOW_MINUTES + 1}::int) WHERE id = ${checkoutId}`;
    const later = String((await press().expect(303)).headers.location);
    expect(later).not.toBe(first);
    expect(await db.paymentCheckout.count({ where: { orderId: order.id } })).toBe(2);
  });
});
