// What the invoice page's Pay does once BTCPay has answered the invoice create (checkout.service start(), after its
// compare-and-set that turns the CREATING checkout OPEN), when something else moved the checkout meanwhile:
// - the shop edits the order while BTCPay creates the invoice, and the void_stale job read the checkout while it was
//   still CREATING (no invoice id, so nothing closed at BTCPay), its VOIDED write landing just after start() opened
//   it: the invoice is closed at BTCPay and the customer is told the order changed (they were sent to pay the old
//   amount at the BTCPay invoice, still payable there, while the checkout said VOIDED);
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
import { connectBtcPay, useProvidersApp } from './square-btcpay-fixtures.js';

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
});
