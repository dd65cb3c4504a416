// services.taxReport.monthly: the sales tax a shop collected per month, in its time zone: tax on orders
// paid that month, minus the tax returned by refunds made that month (refunds carry their tax part:
// docs/decisions/refund-tax-share.md). The same events as the "tax" CSV export, so the two agree: money
// returned for an order never paid was no sale, and is in neither. Each amount stays in its order's currency:
// a shop that changed its currency (docs/decisions/shop-currency-change.md) has months in the old one, which are
// never added to the new one's.
import type { Clock } from '../../platform/clock.js';
import { Prisma, type Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';

export interface TaxAmounts {
  collectedCents: number;
  refundedCents: number;
  netCents: number;
}

export interface TaxMonth extends TaxAmounts {
  /** YYYY-MM in the shop's time zone. */
  month: string;
  ordersPaid: number;
  /** The amounts above are in the shop's currency; these of orders in another (before a change of currency). */
  otherCurrencies: (TaxAmounts & { currency: string })[];
}

export interface TaxReportService {
  /** The last `months` months (1..36, default 12) up to and including the current one, oldest first, zeros included. */
  monthly(tenantId: string, months?: number): Promise<{ currency: string; timeZone: string; months: TaxMonth[] }>;
}

function amounts(collectedCents: number, refundedCents: number): TaxAmounts {
  return { collectedCents, refundedCents, netCents: collectedCents - refundedCents };
}

export function createTaxReportService(deps: { db: Db; clock: Clock }): TaxReportService {
  return {
    async monthly(tenantId, months = 12) {
      if (!Number.isInteger(months) || months < 1 || months > 36)
        throw new AppError('VALIDATION_FAILED', 'months must be a whole number from 1 to 36.', {
          fields: [{ path: 'months', message: '1 to 36' }],
        });
      const tenant = await deps.db.tenant.findUnique({ where: { id: tenantId }, select: { currency: true, timeZone: true } });
      if (!tenant) throw new AppError('NOT_FOUND', 'Shop not found.');
      const tz = tenant.timeZone;
      const now = deps.clock.now();
      // Local month starts: [first, end) in UTC wall time, the columns' representation.
      const rows = await deps.db.$queryRaw<
        { month: string; currency: string | null; orders_paid: number; collected: number; refunded: number }[]
      >(Prisma.sql`
        WITH bounds AS (
          SELECT date_trunc('month', (${now}::timestamptz AT TIME ZONE ${tz})) - make_interval(months => ${months - 1}::int) AS first_local,
                 date_trunc('month', (${now}::timestamptz AT TIME ZONE ${tz})) + interval '1 month' AS end_local
        ), utc AS (
          SELECT (first_local AT TIME ZONE ${tz}) AT TIME ZONE 'UTC' AS first_utc, (end_local AT TIME ZONE ${tz}) AT TIME ZONE 'UTC' AS end_utc, first_local FROM bounds
        ), events AS (
          SELECT o."paidAt" AS at, o.currency, o."taxAmountCents" AS collected, 0 AS refunded, 1 AS paid
          FROM orders o, utc WHERE o."tenantId" = ${tenantId} AND o."paidAt" >= utc.first_utc AND o."paidAt" < utc.end_utc
          UNION ALL
          SELECT r."createdAt", o.currency, 0, r."taxCents", 0
          FROM refunds r JOIN orders o ON o.id = r."orderId", utc
          WHERE r."tenantId" = ${tenantId} AND o."paidAt" IS NOT NULL AND r."createdAt" >= utc.first_utc AND r."createdAt" < utc.end_utc
        ), months AS (
          SELECT generate_series(first_local, first_local + make_interval(months => ${months - 1}::int), interval '1 month') AS m FROM utc
        )
        SELECT to_char(months.m, 'YYYY-MM') AS month, e.currency,
               COALESCE(sum(e.paid), 0)::int AS orders_paid, COALESCE(sum(e.collected), 0)::int AS collected, COALESCE(sum(e.refunded), 0)::int AS refunded
        FROM months LEFT JOIN events e ON date_trunc('month', (e.at AT TIME ZONE 'UTC') AT TIME ZONE ${tz}) = months.m
        GROUP BY months.m, e.currency ORDER BY months.m, e.currency`);
      const byMonth = new Map<string, TaxMonth>();
      for (const r of rows) {
        const month = byMonth.get(r.month) ?? { month: r.month, ordersPaid: 0, ...amounts(0, 0), otherCurrencies: [] };
        byMonth.set(r.month, month);
        if (r.currency === null) continue; // a month with no events
        month.ordersPaid += r.orders_paid;
        if (r.currency === tenant.currency) Object.assign(month, amounts(r.collected, r.refunded));
        else month.otherCurrencies.push({ currency: r.currency, ...amounts(r.collected, r.refunded) });
      }
      return {
        currency: tenant.currency,
        timeZone: tz,
        months: [...byMonth.values()],
      };
    },
  };
}
