// The refund sweep: refunds made in PayPal's or Square's own dashboard whose webhook never came (lost, or our
// endpoint was down past the provider's retries), for orders nobody previews or refunds again in Ledgerline.
// Such an order stayed PAID: the customer kept the role, the reports counted money that went back, nobody was
// told. A scheduled job (checkout.jobs.ts) reads the refunds of recently PAID PayPal/Square checkouts at the
// provider and records the ones nothing explains through ProviderRefundReader.learnCheckout, the path the
// refund preview uses (provider-refund-reads.ts: the `payment.provider_refund` check under the order's row
// lock, then outside-refund.ts), so a webhook, a preview and a sweep of the same refund record it once.
//
// Which checkouts, for how long and how often (docs/decisions/processor-refunds.md, "The refund sweep"):
// - PAID, PayPal or Square, bound to a payment, the order not wholly REFUNDED (unless the checkout holds money
//   the order could not use that is still to be returned: FLAGGED), at least an hour old (the webhook
//   normally arrives within seconds; a read before it changes nothing either way).
// - Inside the provider's refund window, counted from the checkout's creation: PayPal refunds a capture up to
//   180 days after it, and a PayPal order can be captured up to 29 days after it was made; Square refunds a
//   payment up to one year after it, and a Square payment is made within a day of its checkout.
// - Read again after a quarter of its age, at least an hour and at most 14 days apart: a dashboard refund is
//   usually made soon after the sale, and one made late is still recorded within 14 days.
// - At most RUN_LIMIT checkouts a run, least recently read first; each is claimed (its refundCheckedAt
//   compared and set) before it is read, so two runs at once read a checkout once. A read that fails is
//   logged and the checkout waits its interval; the connection's other checkouts wait for the next run.
import type { PaymentCheckout, PaymentProvider } from '../../../generated/prisma/index.js';
import type { Clock } from '../../../platform/clock.js';
import { dueAgainByAge, inIdOrder, sqlUtcNow } from '../../../platform/db/due-rows.js';
import { Prisma, type Db } from '../../../platform/db/prisma.js';
import type { Logger } from '../../../platform/logger.js';
import type { ProviderRefundReader } from './provider-refund-reads.js';

/** Per provider: how many days after the checkout was made a refund can still be made at the provider. */
export const REFUND_WINDOW_DAYS: Partial<Record<PaymentProvider, number>> = {
  // 180 days after the capture, which may come up to 29 days after the order (+1: the day the capture fell on).
  PAYPAL: 210,
  // One year after the payment, made within the Web Payments token's 24 hours (+1 for a leap year).
  SQUARE: 367,
};

/** First read an hour after the checkout was made; then after a quarter of its age, 1 hour to 14 days apart. */
export const REFUND_RECHECK = { firstAfterSeconds: 3600, ageDivisor: 4, minSeconds: 3600, maxSeconds: 14 * 86400 } as const;

/** Checkouts read per run (the cron runs every 5 minutes: at most 28,800 reads a day). */
export const REFUND_SWEEP_RUN_LIMIT = 100;

/**
 * The PAID PayPal/Square checkouts due a refund read now, least recently read first (never read first, oldest
 * first among them); see the file's head for the rules.
 */
export async function paidCheckoutsDueRefundRead(db: Db, now: Date, limit: number): Promise<PaymentCheckout[]> {
  // One branch per provider, each served by the (state, createdAt) index.
  const t = sqlUtcNow(now);
  const windows = Object.entries(REFUND_WINDOW_DAYS).map(
    ([provider, days]) => Prisma.sql`(c.provider = ${provider}::"PaymentProvider"
      AND c."createdAt" > ${t} - make_interval(days => ${days}::int))`,
  );
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM payment_checkouts c
    JOIN orders o ON o.id = c."orderId" AND o."tenantId" = c."tenantId"
    WHERE c.state = 'PAID'
      AND (${Prisma.join(windows, ' OR ')})
      AND c."paymentReference" IS NOT NULL
      AND c."createdAt" < ${t} - make_interval(secs => ${REFUND_RECHECK.firstAfterSeconds}::int)
      AND (o.status <> 'REFUNDED' OR c."unappliedAction" = 'FLAGGED')
      AND ${dueAgainByAge(t, 'refundCheckedAt', REFUND_RECHECK)}
    ORDER BY c."refundCheckedAt" ASC NULLS FIRST, c."createdAt" ASC
    LIMIT ${limit}::int`;
  const ids = rows.map((r) => r.id);
  if (!ids.length) return [];
  return inIdOrder(ids, await db.paymentCheckout.findMany({ where: { id: { in: ids } } }));
}

export interface RefundSweepResult {
  /** Checkouts this run read at their provider. */
  read: number;
  /** Provider refunds recorded (or announced) by this run. */
  recorded: number;
  /** Reads that failed (logged): those checkouts wait their interval. */
  failed: number;
  /** Due checkouts left for a later run: another run had claimed them, or their connection failed in this one. */
  skipped: number;
}

export interface RefundSweep {
  run(limit?: number): Promise<RefundSweepResult>;
}

export function createRefundSweep(deps: { db: Db; clock: Clock; logger: Logger; reader: ProviderRefundReader }): RefundSweep {
  const { db, clock, logger, reader } = deps;
  return {
    async run(limit = REFUND_SWEEP_RUN_LIMIT) {
      const result: RefundSweepResult = { read: 0, recorded: 0, failed: 0, skipped: 0 };
      const failedConnections = new Set<string>();
      for (const c of await paidCheckoutsDueRefundRead(db, clock.now(), limit)) {
        if (failedConnections.has(c.connectionId)) {
          result.skipped++;
          continue;
        }
        // Claimed before the read: a run beside this one (an overlapping cron run, another worker) skips it.
        const { count } = await db.paymentCheckout.updateMany({
          where: { id: c.id, state: 'PAID', refundCheckedAt: c.refundCheckedAt },
          data: { refundCheckedAt: clock.now() },
        });
        if (count === 0) {
          result.skipped++;
          continue;
        }
        result.read++;
        try {
          const { recorded, failed } = await reader.learnCheckout(c);
          result.recorded += recorded;
          if (failed) {
            result.failed++;
            failedConnections.add(c.connectionId);
          }
        } catch (err) {
          // Recording failed (not the provider's read, which learnCheckout logs): the next checkout still runs.
          result.failed++;
          logger.warn({ err, tenantId: c.tenantId, checkoutId: c.id }, 'the refund sweep could not record a refund made at the provider');
        }
      }
      if (result.recorded || result.failed) logger.info({ ...result }, 'refund sweep: refunds made at the provider read');
      return result;
    },
  };
}
