// The order page puts processor money the admin must know about at the top (issue 9): payments that arrived
// but could not pay the order (payment_checkouts.unappliedAction) with where their refund stands, and
// payments the provider took back; another shop's never shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
const f = factories();
const db = testDb();

beforeAll(async () => {
  app = await startAdminApp();
});
afterAll(async () => {
  await app?.close();
});

async function shop() {
  const tenant = await f.tenant();
  const customer = await f.customer({ tenantId: tenant.id, displayName: 'Flo Flagged' });
  const owner = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: tenant.id })).email);
  const paypal = await db.paymentConnection.create({
    data: { tenantId: tenant.id, provider: 'PAYPAL', environment: 'sandbox', status: 'CONNECTED' },
  });
  return { tenant, customer, owner, paypal };
}

const detail = async (who: AdminAgent, orderId: string) => {
  const res = await who.agent.get(`/admin/api/resources/Order/records/${orderId}/show`).set(who.headers());
  expect(res.status).toBe(200);
  return JSON.parse(res.body.record.params.detailJson) as {
    flaggedPayments: { kind: string; tone: string; title: string; text: string }[];
  };
};

describe('flagged processor payments on the order page', () => {
  it('names each one with its amount, provider, reason and what the admin must do; most urgent wording for a refused refund', async () => {
    const { tenant, customer, owner, paypal } = await shop();
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      status: 'CANCELLED',
      paymentMethod: 'PAYPAL',
      cancelledAt: new Date(),
    });
    const base = {
      tenantId: tenant.id,
      orderId: order.id,
      connectionId: paypal.id,
      provider: 'PAYPAL' as const,
      method: 'PAYPAL' as const,
      currency: 'USD',
      orderVersion: 1,
      state: 'PAID' as const,
    };
    await db.paymentCheckout.create({
      data: {
        ...base,
        providerCheckoutId: 'PP-ORDER-1',
        amountCents: 1500,
        paidAmountCents: 1500,
        paymentReference: 'CAPTURE-1',
        unappliedAction: 'FLAGGED',
        unappliedReason: 'the order is CANCELLED',
      },
    });
    await db.paymentCheckout.create({
      data: {
        ...base,
        providerCheckoutId: 'PP-ORDER-2',
        amountCents: 1500,
        paidAmountCents: 900,
        paymentReference: 'CAPTURE-2',
        unappliedAction: 'REFUND_PENDING',
        unappliedReason: 'underpaid: $9.00 of $15.00',
      },
    });
    // An ordinary paid checkout is not flagged.
    await db.paymentCheckout.create({
      data: { ...base, providerCheckoutId: 'PP-ORDER-3', amountCents: 1500, paidAmountCents: 1500, paymentReference: 'CAPTURE-3' },
    });

    const view = await detail(owner, order.id);
    expect(view.flaggedPayments).toHaveLength(2);
    const refused = view.flaggedPayments.find((x) => x.kind === 'FLAGGED')!;
    expect(refused).toMatchObject({ tone: 'danger', title: 'Return $15.00 to the customer by hand' });
    expect(refused.text).toContain('arrived through PayPal but could not pay this order (the order is CANCELLED)');
    expect(refused.text).toContain('CAPTURE-1');
    const pending = view.flaggedPayments.find((x) => x.kind === 'REFUND_PENDING')!;
    expect(pending).toMatchObject({ tone: 'warning', title: 'Refunding $9.00 automatically' });
    expect(pending.text).toContain('underpaid: $9.00 of $15.00');
  });

  it('shows a payment the provider took back (reversal), and nothing for an order without flags or of another shop', async () => {
    const { tenant, customer, owner, paypal } = await shop();
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      status: 'PAID',
      paymentMethod: 'PAYPAL',
      paidAt: new Date(),
    });
    const c = await db.paymentCheckout.create({
      data: {
        tenantId: tenant.id,
        orderId: order.id,
        connectionId: paypal.id,
        provider: 'PAYPAL',
        method: 'PAYPAL',
        currency: 'USD',
        orderVersion: 1,
        state: 'PAID',
        providerCheckoutId: 'PP-ORDER-9',
        amountCents: 1500,
        paidAmountCents: 1500,
        paymentReference: 'CAPTURE-9',
      },
    });
    await f.auditLog({
      tenantId: tenant.id,
      entityId: order.id,
      action: 'payment.reversed_by_provider',
      after: { checkoutId: c.id, amountCents: 1500, type: 'PAYMENT.CAPTURE.REVERSED' },
    });
    const view = await detail(owner, order.id);
    expect(view.flaggedPayments).toEqual([expect.objectContaining({ kind: 'REVERSED', tone: 'danger', title: 'PayPal took back $15.00' })]);

    const quiet = await f.order({ tenantId: tenant.id, customerId: customer.id });
    expect((await detail(owner, quiet.id)).flaggedPayments).toEqual([]);

    const other = await shop();
    const theirs = await f.order({ tenantId: other.tenant.id, customerId: other.customer.id });
    await db.paymentCheckout.create({
      data: {
        tenantId: other.tenant.id,
        orderId: theirs.id,
        connectionId: other.paypal.id,
        provider: 'PAYPAL',
        method: 'PAYPAL',
        currency: 'USD',
        orderVersion: 1,
        state: 'PAID',
        providerCheckoutId: 'PP-OTHER',
        amountCents: 100,
        paidAmountCents: 100,
        unappliedAction: 'FLAGGED',
      },
    });
    const res = await owner.agent.get(`/admin/api/resources/Order/records/${theirs.id}/show`).set(owner.headers());
    expect(res.body.record?.params?.detailJson).toBeUndefined();
  });
});
