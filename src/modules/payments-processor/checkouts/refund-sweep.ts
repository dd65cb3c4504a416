// The refund sweep: refunds made in PayPal's or Square's own dashboard whose webhook never came (lost, or our
// endpoint was down past the provider's retries), for orders nobody previews or refunds again in Ledgerline.
// Such an order stayed PAID: the customer kept the role, the reports counted money that went back, nobody was
// told. A scheduled job (checkout.jobs.ts) reads the refunds of recently PAID PayPal/Square checkouts at the
// provider and records the ones nothing explains through ProviderRefundReader.learnCheckout, the path the
// refund preview uses (provider-refund-reads.ts: the `payment.provider_refund` check under the order's row
// lock, then outside-refund.ts), so a webhook, a preview and a sweep of the same refund record it once.
//
// Which checkouts, for how long and how often (docs/decisions/processor-refunds.md, "The refund sweep"):
// - PAID, PayPal or Square, bound to a payment, at least an hour old (the webhook normally arrives within seconds;
//   a read before it changes nothing either way). The order refunded in full too: a refund of ours the provider
//   took and failed later, its webhook lost, is learnt here (provider-refund-reads.ts reads FAILED refunds).
// - Inside the provider's refund window, counted from the checkout's creation: PayPal refunds a capture up to
//   180 days after it, and a PayPal order can be captured up to 29 days after it was made; Square refunds a
//   payment up to one year after it, and a Square payment is made within a day of its checkout.
// - Read again after a quarter of its age, at least an hour and at most 14 days apart: a dashboard refund is
//   usually made soon after the sale, and one made late is still recorded within 14 days.
// - At most RUN_LIMIT checkouts a run, least recently read first; each is claimed (its refundCheckedAt
//   compared and set) before it is read, so two runs at once read a checkout once. A read that fails is
//   logged and the checkout waits its interval; the connection's other checkouts wait for the next run.
// - A deleted order's late money sent back through PayPal or Square (deleted_order_checkouts, REFUND_SENT) by the same
//   rules, after the live checkouts, with a share of the run's limit of its own when due (deletedOrderShare) and what
//   the live checkouts left: its refund failing later at the provider,
//   the webhook lost, is learnt only here (ProviderRefundReader.learnDeletedOrderCheckout: flagged for the admins).
//   Its reads are recorded in the kept row's lateCheckedAt (unused once money arrived: late-money.ts asks only rows
//   that can still take money); it is read until it is FLAGGED or its refund window ends.
// Each read is dated (refundCheckedAt, a kept row's lateCheckedAt), its next one counted (refundCheckDueAt), and both
// judged due by the database's clock, not the running instance's: the runs of every instance read the dates each other
// wrote, and one whose clock ran hours behind dated the checkout it had just read hours in the past, so the next run
// found it due at once and read it again, run after run (one whose clock ran ahead found due what another had just
// read). The refund windows and the first hour stay the instance's (docs/decisions/processor-refunds.md, "Clock"):
// days long, a skew of minutes moves a first read, or the last, by minutes.
import type { DeletedOrderCheckout, PaymentCheckout, PaymentProvider } from '../../../generated/prisma/index.js';
import type { Clock } from '../../../platform/clock.js';
import { DATABASE_CLOCK_INSTANT, SQL_DATABASE_NOW } from '../../../platform/db/database-now.js';
import { dueAgainByAge, inIdOrder, nextDueByAge, sqlUtcNow, stillAsRead } from '../../../platform/db/due-rows.js';
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
 * SQL: when checkout `c`, read at `readAt` (an SQL timestamp), is due its next read (REFUND_RECHECK, the rule of
 * dueAgainByAge as an instant), or NULL when that falls past its provider's refund window: never again.
 */
export function refundCheckDueAt(readAt: Prisma.Sql): Prisma.Sql {
  const next = nextDueByAge(readAt, REFUND_RECHECK);
  const windowEnds = Object.entries(REFUND_WINDOW_DAYS).map(
    ([provider, days]) => Prisma.sql`WHEN ${provider}::"PaymentProvider" THEN c."createdAt" + make_interval(days => ${days}::int)`,
  );
  return Prisma.sql`(CASE WHEN ${next} < (CASE c.provider ${Prisma.join(windowEnds, ' ')} END) THEN ${next} END)`;
}

/**
 * The PAID PayPal/Square checkouts due a refund read now, least recently read first (never read first, oldest
 * first among them); see the file's head for the rules. Two index reads, never a scan of the paid checkouts:
 * the never-read ones of each provider inside its window by (state, provider, refundCheckedAt, createdAt), and
 * the read ones whose refundCheckDueAt has come by (state, refundCheckDueAt) (docs/perf/refund-sweep.md). The
 * windows and the first hour at `now` (the instance's clock); refundCheckDueAt come by the database's now.
 */
export async function paidCheckoutsDueRefundRead(db: Db, now: Date, limit: number): Promise<DueRefundRead[]> {
  const rows = await db.$queryRaw<{ id: string; refundCheckedAt: Date | null }[]>(dueRefundReadsSql(now, limit));
  const ids = rows.map((r) => r.id);
  if (!ids.length) return [];
  const seen = new Map(rows.map((r) => [r.id, r.refundCheckedAt]));
  const checkouts = inIdOrder(ids, await db.paymentCheckout.findMany({ where: { id: { in: ids } } }));
  return checkouts.map((c) => ({ ...c, dueAsReadAt: seen.get(c.id) ?? null }));
}

/**
 * A checkout due a refund read, with `dueAsReadAt`: its last read as the selection saw it, the value its claim
 * compares with. Not the row's refundCheckedAt, loaded by a second statement: a run beside this one may have
 * claimed it in between, and a claim comparing with the value that claim wrote finds it unchanged, succeeds and
 * reads the checkout a second time (CI, 2026-12-05: "two sweeps at once" read one checkout twice).
 */
export type DueRefundRead = PaymentCheckout & { dueAsReadAt: Date | null };

/**
 * The selection of paidCheckoutsDueRefundRead: the ids in order (exported for bench:refund-sweep's EXPLAIN).
 * `dbNow`: the database's now, by which refundCheckDueAt has come; a bench comparing statements pins it (sqlUtcNow).
 */
export function dueRefundReadsSql(now: Date, limit: number, dbNow: Prisma.Sql = SQL_DATABASE_NOW): Prisma.Sql {
  const t = sqlUtcNow(now);
  const inWindow = (provider: string, days: number) =>
    Prisma.sql`c.provider = ${provider}::"PaymentProvider" AND c."createdAt" > ${t} - make_interval(days => ${days}::int)`;
  // Bound to a payment. An order refunded in full is read too: a refund of ours that the provider fails later, its
  // webhook lost, is learnt only here.
  const readable = Prisma.sql`c."paymentReference" IS NOT NULL`;
  const from = Prisma.sql`SELECT c.id, c."refundCheckedAt", c."createdAt" FROM payment_checkouts c`;
  // Ordered as the index is (refundCheckedAt is null in all of them): read in index order and stopped at the
  // limit. Ordered by createdAt alone, the planner took (state, createdAt) and filtered a year of paid checkouts
  // when most had been read (it cannot know that the never-read ones are mostly BTCPay's).
  const neverRead = Object.entries(REFUND_WINDOW_DAYS).map(
    ([provider, days]) => Prisma.sql`(${from}
      WHERE c.state = 'PAID' AND ${inWindow(provider, days)} AND c."refundCheckedAt" IS NULL
        AND c."createdAt" < ${t} - make_interval(secs => ${REFUND_RECHECK.firstAfterSeconds}::int) AND ${readable}
      ORDER BY c."refundCheckedAt" ASC, c."createdAt" ASC LIMIT ${limit}::int)`,
  );
  const windows = Object.entries(REFUND_WINDOW_DAYS).map(([provider, days]) => Prisma.sql`(${inWindow(provider, days)})`);
  const dueAgain = Prisma.sql`(${from}
    WHERE c.state = 'PAID' AND c."refundCheckDueAt" <= ${dbNow} AND (${Prisma.join(windows, ' OR ')}) AND ${readable}
    ORDER BY c."refundCheckedAt" ASC, c."createdAt" ASC LIMIT ${limit}::int)`;
  return Prisma.sql`
    SELECT d.id, d."refundCheckedAt" FROM (${Prisma.join([...neverRead, dueAgain], ' UNION ALL ')}) d
    ORDER BY d."refundCheckedAt" ASC NULLS FIRST, d."createdAt" ASC
    LIMIT ${limit}::int`;
}

/**
 * Claims checkout `id` for a read: if it is still PAID and was last read at `lastReadAt` (the value the selection
 * read, compared exactly as it was stored: the compare-and-set two runs at once meet on), records the read
 * (refundCheckedAt, and updatedAt) at the database's clock's now and when the next one is due (refundCheckDueAt,
 * from the same rule the selection uses, counted from that now in SQL). False: another run claimed it first.
 */
export async function claimRefundRead(db: Db, id: string, lastReadAt: Date | null): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE payment_checkouts c SET "refundCheckedAt" = n.at, "refundCheckDueAt" = ${refundCheckDueAt(Prisma.sql`n.at`)}, "updatedAt" = n.at
    FROM ${DATABASE_CLOCK_INSTANT}
    WHERE c.id = ${id} AND c.state = 'PAID' AND ${stillAsRead('refundCheckedAt', lastReadAt)}`;
  return count === 1;
}

/** A deleted order's checkout due a refund read, with its last read as the selection saw it (see DueRefundRead). */
export type DueDeletedOrderRefundRead = DeletedOrderCheckout & { dueAsReadAt: Date | null };

/**
 * The deleted orders' checkouts whose late money was sent back through PayPal or Square (REFUND_SENT) due a refund
 * read now, least recently read first: at least an hour old, inside their provider's refund window, both at `now`
 * (the instance's clock), not read within REFUND_RECHECK's interval (lateCheckedAt) by the database's clock. Few rows
 * (late money on deleted orders), read by (state, createdAt).
 */
export async function deletedOrderCheckoutsDueRefundRead(db: Db, now: Date, limit: number): Promise<DueDeletedOrderRefundRead[]> {
  if (limit <= 0) return [];
  const t = sqlUtcNow(now);
  const windows = Object.entries(REFUND_WINDOW_DAYS).map(
    ([provider, days]) =>
      Prisma.sql`(c.provider = ${provider}::"PaymentProvider" AND c."createdAt" > ${t} - make_interval(days => ${days}::int))`,
  );
  const rows = await db.$queryRaw<{ id: string; lateCheckedAt: Date | null }[]>`
    SELECT c.id, c."lateCheckedAt" FROM deleted_order_checkouts c
    WHERE c.state = 'PAID' AND c."lateMoneyAction" = 'REFUND_SENT' AND c."paymentReference" IS NOT NULL
      AND (${Prisma.join(windows, ' OR ')})
      AND c."createdAt" < ${t} - make_interval(secs => ${REFUND_RECHECK.firstAfterSeconds}::int)
      AND ${dueAgainByAge(SQL_DATABASE_NOW, 'lateCheckedAt', REFUND_RECHECK)}
    ORDER BY c."lateCheckedAt" ASC NULLS FIRST, c."createdAt" ASC
    LIMIT ${limit}::int`;
  const ids = rows.map((r) => r.id);
  if (!ids.length) return [];
  const seen = new Map(rows.map((r) => [r.id, r.lateCheckedAt]));
  const kept = inIdOrder(ids, await db.deletedOrderCheckout.findMany({ where: { id: { in: ids } } }));
  return kept.map((c) => ({ ...c, dueAsReadAt: seen.get(c.id) ?? null }));
}

/**
 * claimRefundRead for a deleted order's checkout: still REFUND_SENT and last read at `lastReadAt`; the read dated
 * (lateCheckedAt, and updatedAt) at the database's clock's now.
 */
export async function claimDeletedOrderRefundRead(db: Db, id: string, lastReadAt: Date | null): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE deleted_order_checkouts c SET "lateCheckedAt" = n.at, "updatedAt" = n.at
    FROM ${DATABASE_CLOCK_INSTANT}
    WHERE c.id = ${id} AND c."lateMoneyAction" = 'REFUND_SENT' AND ${stillAsRead('lateCheckedAt', lastReadAt)}`;
  return count === 1;
}

/** The part of a run's limit kept for deleted orders' checkouts when they are due: a quarter, at least one. */
export const deletedOrderShare = (limit: number): number => Math.max(1, Math.floor(limit / 4));

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
      // Windows and first hour at this instance's clock; what is due again by the database's (the file's head).
      // A deleted order's late money sent back has a share of the run of its own (a quarter, at least one): given only
      // what the live checkouts left, a backlog of those left them nothing, run after run.
      const deleted = await deletedOrderCheckoutsDueRefundRead(db, clock.now(), limit);
      const live = await paidCheckoutsDueRefundRead(db, clock.now(), limit - Math.min(deleted.length, deletedOrderShare(limit)));
      /**
       * One checkout: skipped when its connection failed this run or another run claimed it first (claimed before the
       * read: an overlapping cron run, another worker), else read; a provider that fails skips the connection's others.
       */
      async function readOne<C extends { id: string; tenantId: string; connectionId: string; dueAsReadAt: Date | null }>(
        c: C,
        claim: (db: Db, id: string, lastReadAt: Date | null) => Promise<boolean>,
        learn: (c: C) => Promise<{ recorded: number; failed: boolean }>,
        whatFailed: string,
      ): Promise<void> {
        if (failedConnections.has(c.connectionId) || !(await claim(db, c.id, c.dueAsReadAt))) {
          result.skipped++;
          return;
        }
        result.read++;
        try {
          const { recorded, failed } = await learn(c);
          result.recorded += recorded;
          if (failed) {
            result.failed++;
            failedConnections.add(c.connectionId);
          }
        } catch (err) {
          // Recording failed (not the provider's read, which the reader logs): the next checkout still runs.
          result.failed++;
          logger.warn({ err, tenantId: c.tenantId, checkoutId: c.id }, whatFailed);
        }
      }
      for (const c of live) {
        await readOne(
          c,
          claimRefundRead,
          (x) => reader.learnCheckout(x),
          'the refund sweep could not record a refund made at the provider',
        );
      }
      // A deleted order's late money sent back: its share, and what the live checkouts left of the run's limit.
      for (const c of deleted.slice(0, limit - live.length)) {
        await readOne(
          c,
          claimDeletedOrderRefundRead,
          (x) => reader.learnDeletedOrderCheckout(x),
          "the refund sweep could not record a deleted order's failed refund",
        );
      }
      if (result.recorded || result.failed) logger.info({ ...result }, 'refund sweep: refunds made at the provider read');
      return result;
    },
  };
}
