// Sales -> Payments for deleted orders, its "Order number" filter as the filter drawer sends it: the panel writes an
// order's number "#1042" everywhere (the order pages, the dashboard's "Money to return", the customer's DMs), so an
// owner looking for the money of deleted order #1042 types it so. The adapter read the value as a number and PostgreSQL
// refused "#1042": the list answered 400 ("Invalid list, filter or sort parameters") and showed no rows. The filter now
// reads the number the way the orders list's search does (a leading "#", spaces): #1042 finds it; what is no order
// number finds nothing, as any filter with no match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let a: AdminAgent;
const f = factories();
let tenantId: string;
let connectionId: string;

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant()).id;
  connectionId = (await testDb().paymentConnection.create({ data: { tenantId, provider: 'BTCPAY', environment: 'sandbox' } })).id;
  a = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

/** A deleted order's kept checkout whose money is to return by hand. */
async function kept(orderNumber: number): Promise<string> {
  const id = `chk_numfilter_${orderNumber}_${tenantId}`;
  await testDb().deletedOrderCheckout.create({
    data: {
      id,
      tenantId,
      orderId: `ord_numfilter_${orderNumber}`,
      orderNumber,
      connectionId,
      provider: 'BTCPAY',
      method: 'BTC_INVOICE',
      providerCheckoutId: `inv-${orderNumber}`,
      amountCents: 4250,
      currency: 'USD',
      state: 'PAID',
      paidAmountCents: 4250,
      paymentReference: `inv-${orderNumber}`,
      lateMoneyAction: 'FLAGGED',
      createdAt: new Date('2026-11-01T12:00:00Z'),
    },
  });
  return id;
}

const listed = async (orderNumber: string) => {
  const res = await a.agent
    .get('/admin/api/resources/DeletedOrderCheckout/actions/list')
    .query({ 'filters.orderNumber': orderNumber })
    .set(a.headers());
  return { status: res.status, ids: ((res.body.records ?? []) as { id: string }[]).map((r) => r.id) };
};

describe('Payments for deleted orders: the Order number filter', () => {
  it('finds the payment of order #1042 typed as the panel writes it, with or without "#"', async () => {
    const wanted = await kept(1042);
    await kept(1043);
    expect(await listed('#1042')).toEqual({ status: 200, ids: [wanted] });
    expect(await listed(' # 1042 ')).toEqual({ status: 200, ids: [wanted] });
    expect(await listed('1042')).toEqual({ status: 200, ids: [wanted] });
  });

  it('lists nothing, not an error, for what is no order number', async () => {
    await kept(2001);
    expect(await listed('abc')).toEqual({ status: 200, ids: [] });
    expect(await listed('99999999999999')).toEqual({ status: 200, ids: [] });
  });
});
