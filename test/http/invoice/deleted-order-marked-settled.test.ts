// A BTCPay merchant may mark an expired or invalid invoice settled by hand at any time ("Mark as settled" in the
// store's UI; webhook InvoiceSettled with manuallyMarked: true), long after the late-money window in which the
// reconciliation asks BTCPay about it (late-money.ts LATE_MONEY, 14 days). Through the surfaces people use: the
// customer opens a Bitcoin invoice, the admin cancels and deletes the order in the panel, the daily housekeeping
// runs past the window, then the merchant marks the invoice settled and BTCPay's signed webhook reaches our
// endpoint. Before, the housekeeping had pruned the deleted order's kept checkout (or the delete never kept one
// over 14 days old), so the webhook matched nothing: answered 200, one log line, the admins never told.
// Now the admin channel is told once (a redelivery does not tell it again), and the payment is under Sales ->
// Payments for deleted orders and on the dashboard's "Money to return", of that shop only.
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { RETENTION_RULES } from '../../../src/container.js';
import { pruneExpiredRows } from '../../../src/modules/housekeeping/housekeeping-jobs.js';
import { LATE_MONEY } from '../../../src/modules/payments-processor/checkouts/late-money.js';
import { loggedIn } from '../../admin/admin-helpers.js';
import { testDb, testSql } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitForJobsDone } from '../../helpers/job-queue.js';
import { waitFor } from '../../helpers/wait-for.js';
import { adminChannelTexts, cancelAndDeleteInPanel } from './deleted-order-fixtures.js';
import { MovableClock } from './invoice-fixtures.js';
import { openBtcPayInvoice, useProvidersApp } from './square-btcpay-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, discordApi } = useProvidersApp(clock);

const DAY_SECONDS = 24 * 3600;
const PAST_WINDOW_SECONDS = (LATE_MONEY.BTCPAY.days + 1) * DAY_SECONDS;

/** The shop's admin-channel alerts that this invoice's money must be returned by hand. */
const byHandAlerts = (channelId: string, invoiceId: string) =>
  adminChannelTexts(discordApi(), channelId).filter(
    (t) => t.includes('could NOT be returned') && t.includes(`BTCPay invoice ${invoiceId}`),
  );

/** The signed deliveries of the invoice's InvoiceSettled webhook and our endpoint's answers. */
const settledDeliveries = (invoiceId: string) =>
  env.btcpay.outbox.deliveries.filter((d) => d.body.includes(invoiceId) && d.body.includes('"InvoiceSettled"'));

async function panelOf(tenantId: string) {
  const admin = await loggedIn(env.base, (await factories().adminUser({ tenantId })).email);
  return (path: string) => admin.agent.get(`/admin/api${path}`).set(admin.headers());
}

/** Daily housekeeping, as its cron runs it, `seconds` after now. */
const housekeepingIn = (seconds: number) =>
  pruneExpiredRows({ sql: testSql(), clock: { now: () => new Date(clock.now().getTime() + seconds * 1000) }, rules: RETENTION_RULES });

/**
 * The merchant marks the invoice settled by hand in BTCPay; its signed InvoiceSettled webhook reaches our endpoint
 * (200). Then: flagged once, in the admin channel and the panel of that shop only; a redelivery changes nothing.
 */
async function markedSettledIsFlaggedOnce(opened: Awaited<ReturnType<typeof openBtcPayInvoice>>) {
  const { tenant, order, invoiceId, connectionId, storeId } = opened;
  // The same delivery signed with another secret is refused, and changes nothing.
  const forged = JSON.stringify({ deliveryId: 'forged', type: 'InvoiceSettled', storeId, invoiceId, manuallyMarked: true });
  const refused = await request(env.t.app)
    .post(`/webhooks/btcpay/${connectionId}`)
    .set('content-type', 'application/json')
    .set('btcpay-sig', `sha256=${createHmac('sha256', 'not-the-secret').update(forged).digest('hex')}`)
    .send(forged);
  expect(refused.status).toBe(401);
  expect(await db.deletedOrderCheckout.count({ where: { providerCheckoutId: invoiceId, state: 'PAID' } })).toBe(0);
  env.btcpay.markByHand(invoiceId, 'Settled');
  await env.btcpay.idle();
  const settled = settledDeliveries(invoiceId);
  expect(settled).toHaveLength(1);
  expect(JSON.parse(settled[0]!.body)).toMatchObject({ type: 'InvoiceSettled', manuallyMarked: true });
  expect(settled[0]!.status).toBe(200);

  const kept = await db.deletedOrderCheckout.findFirst({ where: { providerCheckoutId: invoiceId } });
  expect(kept).toMatchObject({
    tenantId: tenant.id,
    orderId: order.id,
    orderNumber: order.number,
    connectionId,
    state: 'PAID',
    paidAmountCents: 4250,
    paymentReference: invoiceId,
    lateMoneyAction: 'FLAGGED',
  });
  const [alert] = await waitFor('the admin alert', async () => {
    const found = byHandAlerts(tenant.adminChannelId!, invoiceId);
    return found.length ? found : undefined;
  });
  expect(alert).toContain('$42.50');
  expect(alert).toContain(`order #${order.number} was deleted before this payment arrived`);

  // Sales -> Payments for deleted orders, and the dashboard's "Money to return": this shop's, no other's.
  const panel = await panelOf(tenant.id);
  const list = (await panel('/resources/DeletedOrderCheckout/actions/list')).body as {
    records: { id: string; params: Record<string, unknown> }[];
  };
  expect(list.records.map((r) => [r.id, r.params.lateMoneyAction])).toEqual([[kept!.id, 'FLAGGED']]);
  expect((await panel('/dashboard')).body.moneyToReturn.items.map((i: { id: string }) => i.id)).toEqual([kept!.id]);
  const other = await panelOf((await factories().shop()).tenant.id);
  expect((await other('/resources/DeletedOrderCheckout/actions/list')).body.records).toEqual([]);

  // BTCPay delivers it again (its "Redeliver"): answered 200, nothing new recorded, nobody told twice.
  await env.btcpay.redeliver((JSON.parse(settled[0]!.body) as { deliveryId: string }).deliveryId);
  await env.btcpay.idle();
  expect(settledDeliveries(invoiceId).map((d) => d.status)).toEqual([200, 200]);
  await waitForJobsDone();
  expect(byHandAlerts(tenant.adminChannelId!, invoiceId)).toHaveLength(1);
  expect(await db.auditLog.count({ where: { tenantId: tenant.id, entityId: order.id, action: { startsWith: 'payment.unapplied' } } })).toBe(
    1,
  );
}

describe('a Bitcoin invoice of a deleted order marked settled by hand after the late-money window', () => {
  it('is kept through the housekeeping past the window, and flagged for the admins once when the merchant marks it settled', async () => {
    const opened = await openBtcPayInvoice(env);
    await cancelAndDeleteInPanel(env, opened.tenant.id, opened.order.id);
    expect(env.btcpay.invoices.get(opened.invoiceId)).toMatchObject({ status: 'Invalid', additionalStatus: 'Marked' });

    await housekeepingIn(PAST_WINDOW_SECONDS);
    expect(await db.deletedOrderCheckout.count({ where: { providerCheckoutId: opened.invoiceId } })).toBe(1);
    clock.advance(PAST_WINDOW_SECONDS);
    try {
      await markedSettledIsFlaggedOnce(opened);
    } finally {
      clock.advance(-PAST_WINDOW_SECONDS);
    }
  });

  it('whose order was deleted more than the window after the invoice was made is kept all the same', async () => {
    const opened = await openBtcPayInvoice(env);
    clock.advance(PAST_WINDOW_SECONDS);
    try {
      await cancelAndDeleteInPanel(env, opened.tenant.id, opened.order.id);
      await housekeepingIn(DAY_SECONDS);
      expect(await db.deletedOrderCheckout.count({ where: { providerCheckoutId: opened.invoiceId } })).toBe(1);
      await markedSettledIsFlaggedOnce(opened);
    } finally {
      clock.advance(-PAST_WINDOW_SECONDS);
    }
  });
});
