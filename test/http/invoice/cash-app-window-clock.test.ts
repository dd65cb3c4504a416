// A Cash App Pay (Square) checkout is open for UNCHARGED_CHECKOUT_WINDOW_MINUTES after it was made, a time the
// database dates (its `createdAt`). Whether that window had passed was read by the clock of the instance that asked:
// several run, and their clocks differ from each other and from PostgreSQL's. One running behind sent a press of Pay
// back to a checkout already past its window (and left it open at the reconciliation); one running ahead opened a
// second checkout beside one still open, and its reconciliation retired a checkout the buyer was paying, so their
// payment was refused. The window is now read by the database's clock, on every instance alike.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SQUARE_TEST_TOKENS } from '../../../src/dev/fakes/fake-square.js';
import { UNCHARGED_CHECKOUT_WINDOW_MINUTES } from '../../../src/modules/payments-processor/checkouts/checkout-expiry.js';
import { testDb } from '../../helpers/db.js';
import { MovableClock } from './invoice-fixtures.js';
import { runReconcileJob } from './reconcile-job.js';
import { connectedShopOrder, useProvidersApp } from './square-btcpay-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env } = useProvidersApp(clock);

/** How far this instance's clock is from the database's in these tests: well beyond what is left of the window. */
const SKEW_SECS = 3 * 60;
const WINDOW_SECS = UNCHARGED_CHECKOUT_WINDOW_MINUTES * 60;

/** Moves a checkout's creation back in the database's time (the clock its window is read by). */
const makeOlder = (checkoutId: string, secs: number) =>
  db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = "createdAt" - make_interval(secs => ${secs}::float8) WHERE id = ${checkoutId}`;

/** Runs `body` with this instance's clock `secs` ahead of the database's (behind when negative). */
async function skewed<T>(secs: number, body: () => Promise<T>): Promise<T> {
  clock.advance(secs);
  try {
    return await body();
  } finally {
    clock.advance(-secs);
  }
}

async function cashAppOrder() {
  const { order, path } = await connectedShopOrder(env, 'CASHAPP_PAY');
  const press = async () =>
    String((await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303)).headers.location);
  const first = await press();
  const checkoutId = /\/cash-app\/(chk_[0-9a-f]+)$/.exec(first)![1]!;
  const state = async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).state;
  const pay = async () =>
    (await request(env.t.app).post(`${first}/charge`).send({ sourceToken: SQUARE_TEST_TOKENS.ok }).expect(200)).body.outcome as string;
  return { order, press, first, checkoutId, state, pay };
}

describe("a Cash App Pay checkout's window, read by the database's clock", () => {
  it('an instance whose clock runs behind sends a press to a new checkout once the window has passed', async () => {
    const { order, press, first, checkoutId } = await cashAppOrder();
    // Past its window by half a minute, by the database's clock; this instance's clock still reads it as open.
    await makeOlder(checkoutId, WINDOW_SECS + 30);
    const again = await skewed(-SKEW_SECS, press);
    expect(again).not.toBe(first);
    expect(await db.paymentCheckout.count({ where: { orderId: order.id } })).toBe(2);
  });

  it('an instance whose clock runs ahead sends a press back to the checkout still open, opening no second one', async () => {
    const { order, press, first, checkoutId } = await cashAppOrder();
    // A minute of its window left by the database's clock; this instance's clock reads it as past.
    await makeOlder(checkoutId, WINDOW_SECS - 60);
    expect(await skewed(SKEW_SECS, press)).toBe(first);
    expect(await db.paymentCheckout.count({ where: { orderId: order.id } })).toBe(1);
  });

  it('the reconciliation on an instance whose clock runs ahead leaves open a checkout the buyer is still paying: their payment is taken', async () => {
    const { order, checkoutId, state, pay } = await cashAppOrder();
    await makeOlder(checkoutId, WINDOW_SECS - 60);
    await skewed(SKEW_SECS, () => runReconcileJob(db));
    expect(await state()).toBe('OPEN');
    expect(await pay()).toBe('paid');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
  });

  it('the reconciliation on an instance whose clock runs behind retires a checkout past its window: a late payment is refused', async () => {
    const { order, checkoutId, state, pay } = await cashAppOrder();
    await makeOlder(checkoutId, WINDOW_SECS + 30);
    await skewed(-SKEW_SECS, () => runReconcileJob(db));
    expect(await state()).toBe('EXPIRED');
    const payments = env.square.payments.size;
    expect(await pay()).toBe('failed');
    expect(env.square.payments.size).toBe(payments);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });
});

// BTCPay's invoice closes at its expirationTime, BTCPay's own time (kept as the checkout's expiresAt), and BTCPay
// closes it (its webhook, or the reconciliation's read). Until that arrives, the page of a press waiting on the
// invoice (GET …/opening/:id) decides whether it still goes there: by the database's clock, as every instance does.
describe("a Bitcoin invoice's expiry, read by the database's clock while BTCPay has not closed it yet", () => {
  async function bitcoinInvoice() {
    const { order, path } = await connectedShopOrder(env, 'BTC_INVOICE');
    const invoicePage = String(
      (await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'BTC_INVOICE' }).expect(303)).headers.location,
    );
    const checkout = await db.paymentCheckout.findFirstOrThrow({ where: { orderId: order.id } });
    /** Its expiry `secs` from the database's now (past when negative). */
    const expiresIn = (secs: number) =>
      db.$executeRaw`UPDATE payment_checkouts SET "expiresAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${secs}::float8) WHERE id = ${checkout.id}`;
    const opening = async () => String((await request(env.t.app).get(`${path}/opening/${checkout.id}`).expect(303)).headers.location);
    return { path, invoicePage, expiresIn, opening };
  }

  it('an instance whose clock runs behind no longer sends the buyer to an invoice past its expiry', async () => {
    const { path, expiresIn, opening } = await bitcoinInvoice();
    await expiresIn(-30);
    expect(await skewed(-SKEW_SECS, opening)).toBe(path);
  });

  it('an instance whose clock runs ahead still sends the buyer to an invoice not yet expired', async () => {
    const { invoicePage, expiresIn, opening } = await bitcoinInvoice();
    await expiresIn(60);
    expect(await skewed(SKEW_SECS, opening)).toBe(invoicePage);
  });
});
