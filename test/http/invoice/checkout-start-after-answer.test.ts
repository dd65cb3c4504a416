// What the invoice page's Pay does once BTCPay has answered the invoice create (checkout.service start(), after its
// compare-and-set that turns the CREATING checkout OPEN), when something else moved the checkout meanwhile:
// - the shop edits the order while BTCPay creates the invoice, and the void_stale job read the checkout while it was
//   still CREATING (no invoice id, so nothing closed at BTCPay), its VOIDED write landing just after start() opened
//   it: the invoice is closed at BTCPay and the customer is told the order changed (they were sent to pay the old
//   amount at the BTCPay invoice, still payable there, while the checkout said VOIDED);
// - the customer's new invoice is paid while start() is still voiding the order's older, outgrown invoice: the
//   customer is sent to the invoice page, which says the payment is on its way or paid (never a second payment).
// Through the real paths: the invoice page's Pay, the shop's order edit (the orders_bump_version trigger's
// payment.checkouts.void_stale job on the app's worker), the fake BTCPay (answers held where told, signed webhooks).
// The interleaving is made with a row lock held by the test (PostgreSQL lets the first writer waiting on it through
// first), never with timing.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Prisma } from '../../../src/generated/prisma/index.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { unpaidOrderLink } from './invoice-fixtures.js';
import { connectBtcPay, openBtcPayInvoice, useProvidersApp } from './square-btcpay-fixtures.js';

const db = testDb();
const f = factories();
// Provider calls wait a minute (the most PROVIDER_TIMEOUT_MS allows): the fake holds answers until the test releases them.
const { env } = useProvidersApp(undefined, { PROVIDER_TIMEOUT_MS: '60000' });

const pay = (path: string) =>
  request(env.t.app)
    .post(`${path}/pay`)
    .type('form')
    .send({ method: 'BTC_INVOICE' })
    .then((r) => r);

/** How many statements of this database wait for a row lock on payment_checkouts. */
async function waitingOnCheckouts(): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%payment_checkouts%'`;
  return row!.n;
}

/** Locks the checkout's row in a transaction of the test's own until the returned function is called. */
async function lockCheckout(id: string) {
  let unlock!: () => void;
  const released = new Promise<void>((r) => (unlock = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const done = db.$transaction(
    async (tx: Prisma.TransactionClient) => {
      await tx.$queryRaw`SELECT id FROM payment_checkouts WHERE id = ${id} FOR UPDATE`;
      locked();
      await released;
    },
    { timeout: 60_000 },
  );
  await isLocked;
  return async () => {
    unlock();
    await done;
  };
}

describe('the invoice page Pay, after BTCPay answered', () => {
  it('voided by the void_stale job that read it being created, just after it opened: closed at BTCPay, the customer told the order changed', async () => {
    const { path, order, invoiceId, checkout, paying } = await openedThenVoidedByTheJob();

    // The customer is not sent to the invoice: the page says the order changed (old code: sent to the BTCPay invoice,
    // still payable for the old amount, while the checkout said VOIDED).
    const res = await paying;
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${path}?checkout=changed`);
    const page = await request(env.t.app).get(res.headers.location!).expect(200);
    expect(page.text).toContain('This order changed after you started paying');

    // The invoice is closed at BTCPay, and the checkout is VOIDED with its id (money paid to it anyway is found).
    expect(env.btcpay.invoices.get(invoiceId)!.status).toBe('Invalid');
    const after = await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(after).toMatchObject({ state: 'VOIDED', providerCheckoutId: invoiceId });
    expect(after.voidReason).toMatch(/^order changed/);
    expect(await db.paymentCheckout.count({ where: { orderId: order.id } })).toBe(1);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });

  it('voided by the void_stale job that read it being created, BTCPay refusing every void: never VOIDED while payable there', async () => {
    // BTCPay refuses to mark any invoice Invalid (503) until told otherwise: neither start() nor the job can close it.
    const stopRefusing = env.btcpay.fail(/\/invoices\/[^/]+\/status$/, 503, Infinity);
    try {
      const { order, invoiceId, checkout, paying } = await openedThenVoidedByTheJob();
      // The customer is told to try again in a moment, and is not sent to the invoice.
      const res = await paying;
      expect(res.status).toBe(503);
      expect(res.headers.location).toBeUndefined();
      // The invoice is still payable at BTCPay, so the checkout does not claim VOIDED (old code: the job's write,
      // made with no invoice id seen, matched the opened checkout): FAILED by start(), with the invoice's id, so money
      // paid to it anyway is found (late-money.ts).
      expect(env.btcpay.invoices.get(invoiceId)!.status).toBe('New');
      expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({
        state: 'FAILED',
        providerCheckoutId: invoiceId,
        voidedAt: null,
      });
      expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
    } finally {
      stopRefusing();
    }
  });

  it('paid while start() voids the older invoice the order outgrew: sent to the invoice page, the payment kept', async () => {
    // A Bitcoin order whose customer opened invoice A; the shop doubles the line, so A no longer matches the order.
    const { tenant, order, link, invoiceId: oldInvoice } = await openBtcPayInvoice(env);
    const path = new URL(link.url).pathname;
    // BTCPay answers nothing about invoice A (the voids of it, the job's and start()'s) until told.
    const releaseA = env.btcpay.hold(new RegExp(`/invoices/${oldInvoice}(/status)?$`));
    let newInvoice: string | undefined;
    try {
      const line = await db.orderItem.findFirstOrThrow({ where: { orderId: order.id } });
      await env.t.services.orderAdmin.update(adminCtx(tenant.id), order.id, { items: [{ productId: line.productId, quantity: 2 }] });

      // The customer presses Pay again: invoice B opens for the new amount; start() then voids A and waits for BTCPay.
      const paying = pay(path);
      newInvoice = await waitFor(
        'invoice B created at BTCPay',
        async () => [...env.btcpay.invoices.values()].find((i) => i.metadata.orderId === order.id && i.id !== oldInvoice)?.id,
      );
      const b = await waitFor(
        'checkout B open',
        async () =>
          (await db.paymentCheckout.findFirst({ where: { orderId: order.id, providerCheckoutId: newInvoice, state: 'OPEN' } })) ??
          undefined,
      );

      // Meanwhile B is paid (the customer's wallet was quick, or another tab): BTCPay's webhook moves B on.
      await env.btcpay.pay(newInvoice);
      await env.btcpay.idle();
      const moved = await db.paymentCheckout.findUniqueOrThrow({ where: { id: b.id } });
      expect(['PENDING', 'PAID']).toContain(moved.state);

      // BTCPay answers about A: start() reads B again, paid, and sends the customer to the invoice page (not to pay B
      // at BTCPay, nor told to try again, B's invoice untouched).
      releaseA();
      const res = await paying;
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(path);
      const page = await request(env.t.app).get(path).expect(200);
      expect(page.text).not.toContain('name="method"');
      expect(env.btcpay.invoices.get(newInvoice)!.status).not.toBe('Invalid');
      expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: b.id } })).state).toBe(moved.state);
      expect(await db.paymentCheckout.count({ where: { orderId: order.id } })).toBe(2);
    } finally {
      releaseA();
    }
  });
});

/**
 * A Bitcoin order whose customer presses Pay while BTCPay holds its answer to the invoice create; the test holds a
 * row lock on the checkout, so that when BTCPay answers, start()'s compare-and-set (CREATING -> OPEN, with the
 * invoice id) waits for it first; the shop then doubles the line, and the void_stale job reads the checkout CREATING
 * (no invoice id: nothing to close at BTCPay) and its VOIDED write waits second. Released: start() opens it, then
 * the job's write comes.
 */
async function openedThenVoidedByTheJob() {
  const { tenant, guild, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
  await connectBtcPay(env, tenant.id);
  const { order, path } = await unpaidOrderLink(env.t.services, { tenant, guild, customer }, { method: 'BTC_INVOICE', cents: 4250 });
  // The customer presses Pay with Bitcoin; BTCPay creates the invoice and holds its answer.
  const answer = env.btcpay.holdNextInvoiceAnswer();
  const paying = pay(path);
  const invoiceId = await waitFor(
    'the invoice created at BTCPay',
    async () => [...env.btcpay.invoices.values()].find((i) => i.metadata.orderId === order.id)?.id,
  );
  const checkout = await db.paymentCheckout.findFirstOrThrow({ where: { orderId: order.id } });
  expect(checkout).toMatchObject({ state: 'CREATING', providerCheckoutId: null });

  const unlock = await lockCheckout(checkout.id);
  try {
    // BTCPay answers: start()'s compare-and-set (CREATING -> OPEN, with the invoice id) waits for the row, first.
    answer();
    await waitFor('start() waiting to open the checkout', async () => (await waitingOnCheckouts()) >= 1 || undefined);
    // The shop doubles the line: the void_stale job reads the checkout CREATING, with no invoice id (nothing to
    // close at BTCPay), and its VOIDED write waits for the row too, second.
    const line = await db.orderItem.findFirstOrThrow({ where: { orderId: order.id } });
    await env.t.services.orderAdmin.update(adminCtx(tenant.id), order.id, { items: [{ productId: line.productId, quantity: 2 }] });
    await waitFor('the void_stale job waiting to void it', async () => (await waitingOnCheckouts()) >= 2 || undefined);
  } finally {
    // start() opens it, then the job's write comes.
    await unlock();
  }

  return { tenant, order, path, invoiceId, checkout, paying };
}
