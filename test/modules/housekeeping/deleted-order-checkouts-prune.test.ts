// Daily housekeeping prunes deleted orders' kept checkouts (deleted_order_checkouts) that took no money once
// past their provider's late-money window (late-money.ts LATE_MONEY: PayPal 30 days, Square 7, counted from the
// checkout's createdAt; a bound Square payment FAILED at once), on the injected clock, and keeps every row money
// reached (PAID: refunding, refunded, flagged, returned by hand), however old. A BTCPay invoice's row is never
// pruned while no money reached it: its merchant may mark it settled by hand at any time (LATE_MONEY `anyTime`);
// before, it went after 14 days and such a payment reached nobody.
import { describe, expect, it } from 'vitest';
import type { CheckoutState, PaymentProvider } from '../../../src/generated/prisma/index.js';
import { pruneExpiredRows } from '../../../src/modules/housekeeping/housekeeping-jobs.js';
import { RETENTION_RULES } from '../../../src/container.js';
import { testDb, testSql } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';

const db = testDb();
const sql = testSql();
const DAY = 24 * 3600_000;
const now = new Date('2026-12-15T12:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY);

describe("housekeeping of deleted orders' kept checkouts", () => {
  it("deletes those with no money past their provider's window; keeps those inside it and every one money reached", async () => {
    const tenant = await factories(db).tenant();
    const connections = new Map<PaymentProvider, string>();
    for (const provider of ['PAYPAL', 'SQUARE', 'BTCPAY'] as const) {
      const c = await db.paymentConnection.create({ data: { tenantId: tenant.id, provider, environment: 'sandbox' } });
      connections.set(provider, c.id);
    }
    const METHOD = { PAYPAL: 'PAYPAL', SQUARE: 'CASHAPP_PAY', BTCPAY: 'BTC_INVOICE' } as const;
    let n = 0;
    const kept = async (
      name: string,
      provider: PaymentProvider,
      state: CheckoutState,
      days: number,
      lateMoneyAction: string | null = null,
    ) => {
      const id = `chk_prune_${name}`;
      await db.deletedOrderCheckout.create({
        data: {
          id,
          tenantId: tenant.id,
          orderId: `ord_prune_${++n}`,
          orderNumber: n,
          connectionId: connections.get(provider)!,
          provider,
          method: METHOD[provider],
          providerCheckoutId: `${name}-at-provider`,
          amountCents: 4250,
          currency: 'USD',
          state,
          ...(state === 'PAID' ? { paidAmountCents: 4250, paymentReference: `${name}-paid` } : {}),
          lateMoneyAction,
          createdAt: ago(days),
        },
      });
      return id;
    };
    await kept('paypal_31d', 'PAYPAL', 'VOIDED', 31);
    await kept('paypal_29d', 'PAYPAL', 'VOIDED', 29);
    await kept('square_8d', 'SQUARE', 'EXPIRED', 8);
    await kept('square_6d', 'SQUARE', 'VOIDED', 6);
    // A Square payment FAILED at Square is final (late-money.ts): nothing can reach it, whatever its age.
    await kept('square_failed_1d', 'SQUARE', 'FAILED', 1);
    await kept('btcpay_15d', 'BTCPAY', 'EXPIRED', 15);
    await kept('btcpay_13d', 'BTCPAY', 'VOIDED', 13);
    await kept('btcpay_failed_400d', 'BTCPAY', 'FAILED', 400);
    await kept('btcpay_flagged_90d', 'BTCPAY', 'PAID', 90, 'FLAGGED');
    await kept('btcpay_returned_90d', 'BTCPAY', 'PAID', 90, 'RETURNED_BY_HAND');
    await kept('square_refunded_60d', 'SQUARE', 'PAID', 60, 'REFUND_SENT');
    await kept('paypal_refunding_60d', 'PAYPAL', 'PAID', 60, 'REFUND_PENDING');

    const rows = async () =>
      (await db.deletedOrderCheckout.findMany({ where: { tenantId: tenant.id }, select: { id: true }, orderBy: { id: 'asc' } })).map((r) =>
        r.id.slice('chk_prune_'.length),
      );
    const deleted = await pruneExpiredRows({ sql, clock: { now: () => now }, rules: RETENTION_RULES });
    expect(deleted.deleted_order_checkouts).toBeGreaterThanOrEqual(3);
    expect(await rows()).toEqual([
      'btcpay_13d',
      'btcpay_15d',
      'btcpay_failed_400d',
      'btcpay_flagged_90d',
      'btcpay_returned_90d',
      'paypal_29d',
      'paypal_refunding_60d',
      'square_6d',
      'square_refunded_60d',
    ]);

    // Half a day later the 6-day Square checkout is still inside its window (7); two days later it is past it and
    // goes, and so does the 29-day PayPal order (30); the BTCPay invoices and the rows with money stay.
    await pruneExpiredRows({ sql, clock: { now: () => new Date(now.getTime() + DAY / 2) }, rules: RETENTION_RULES });
    expect(await rows()).toContain('square_6d');
    await pruneExpiredRows({ sql, clock: { now: () => new Date(now.getTime() + 2 * DAY) }, rules: RETENTION_RULES });
    expect(await rows()).toEqual([
      'btcpay_13d',
      'btcpay_15d',
      'btcpay_failed_400d',
      'btcpay_flagged_90d',
      'btcpay_returned_90d',
      'paypal_refunding_60d',
      'square_refunded_60d',
    ]);
  });
});
