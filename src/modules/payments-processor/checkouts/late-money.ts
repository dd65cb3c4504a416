// Closed checkouts that can still end up with money: which ones the reconciliation keeps asking about, for
// how long, and how often. A checkout we closed (VOIDED), that failed (FAILED) or that expired (EXPIRED) is
// not always closed at the provider, and its webhooks can be lost like any other's:
// - PayPal: an order stays capturable for 29 days. A capture made as the checkout was voided (the buyer
//   returned in another tab, the capture's answer was lost), an eCheck capture still PENDING when the order
//   changed (it clears in up to 4-7 business days), or a FAILED checkout the buyer approved again with another
//   funding source and the return page captured: money at PayPal, nothing on our side. An EXPIRED one is gone
//   at PayPal (RESOURCE_NOT_FOUND).
// - Square: a payment FAILED or CANCELED at Square is final, but a checkout still named by our own id (never
//   bound to a payment) may have a charge that reached Square while the checkout failed, was voided or was
//   retired (a charge that raced the void), with its answer and webhooks lost: ListPayments finds it. (A second
//   charge that Square answers IDEMPOTENCY_KEY_REUSED looks the first one up at once: checkout.service chargedElsewhere.) A bound VOIDED payment may have been
//   PENDING when voided and complete later.
// - BTCPay: an expired or invalid invoice is still watched for payments (the store's monitoring time, 1 day
//   by default, after expiry), and a merchant may mark an Invalid invoice settled by hand at any time.
// Money found goes through the ledger as any report does: it pays the order if the checkout can still pay
// it (not voided, the order unpaid at the checkout's version and amount), else it is refunded through the
// provider and the admins are told (checkout-ledger.ts).
// A deleted order's checkouts that can still take money are kept (keepForLateMoney) and asked about in the
// same windows; money found on them is returned as deleted-order-money.ts says. Where money can be put on a
// closed checkout at any time (`anyTime`: a BTCPay merchant marks an invoice settled by hand whenever they like),
// the kept row stays, however old, until money reaches it: its webhook still finds it (the reconciliation, which
// polls the provider, stops asking at the window like for a live order's checkout).
// Each ask is dated (lateCheckedAt) and judged due again by the database's clock, not the running instance's: the
// runs of every instance read the dates each other wrote, and one whose clock ran hours behind dated the checkout it
// had just asked about hours in the past, so the next run found it due at once and asked again, run after run (one
// whose clock ran ahead found due what another had just asked about). The window itself (LATE_MONEY `days`) and the
// run's `olderThanMinutes` stay the instance's, as when the reconciliation first asks about an open checkout: days
// long, and asked again and again inside them, a skew of minutes moves when the asking stops by minutes, and money's
// webhook applies it regardless (docs/decisions/payments-core.md).
import type { CheckoutState, DeletedOrderCheckout, PaymentCheckout, PaymentProvider } from '../../../generated/prisma/index.js';
import { Prisma, type Db, type Tx } from '../../../platform/db/prisma.js';
import { dueAgainByAge, inIdOrder, sqlUtcNow, type AgeRecheck } from '../../../platform/db/due-rows.js';
import type { SqlRunner } from '../../../platform/db/sql.js';
import { DATABASE_CLOCK_INSTANT, SQL_DATABASE_NOW } from '../../../platform/db/database-now.js';

/**
 * Per provider: which closed states can still take money, and for how many days after the checkout was made the
 * reconciliation asks the provider about them (`days`). `anyTime`: money can still be put on such a checkout
 * after that, by the merchant, with only a webhook to say so; a deleted order's checkout of the provider is then
 * kept until money reaches it, however old (keepForLateMoney, pruneSpentDeletedOrderCheckouts).
 */
export const LATE_MONEY: Record<PaymentProvider, { states: readonly CheckoutState[]; days: number; anyTime: boolean }> = {
  // The order's 29 days, and the eCheck clearing inside them; an expired PayPal order is gone.
  PAYPAL: { states: ['FAILED', 'VOIDED'], days: 30, anyTime: false },
  // A payment that raced the close (Web Payments tokens live 24 hours) or was pending when voided.
  SQUARE: { states: ['FAILED', 'VOIDED', 'EXPIRED'], days: 7, anyTime: false },
  // The store's monitoring after expiry (1 day by default, a store may set more). A merchant may mark an Expired
  // or Invalid invoice settled by hand at any time (Greenfield markInvoiceStatus, or "Mark as settled" in the
  // store's UI; webhook InvoiceSettled with manuallyMarked: true): a claim of money the admins must hear about.
  BTCPAY: { states: ['FAILED', 'VOIDED', 'EXPIRED'], days: 14, anyTime: true },
};

/**
 * How far canStillTakeMoney looks: 'asked' while the reconciliation asks the provider (LATE_MONEY `days`);
 * 'ever' while money can still reach it by any way, a merchant's hand included (`anyTime`: no age limit).
 */
type Horizon = 'asked' | 'ever';

/** Asked again after an eighth of its age, at least the cron's 3 minutes and at most 12 hours apart. */
export const LATE_MONEY_RECHECK: AgeRecheck = { ageDivisor: 8, minSeconds: 3 * 60, maxSeconds: 12 * 3600 };

/**
 * A checkout row `c` (of payment_checkouts, or a deleted order's in deleted_order_checkouts) that can still take
 * money at `t`: inside its provider's window (LATE_MONEY; one branch per provider, each served by the (state,
 * createdAt) index), or of an `anyTime` provider at any age when `horizon` is 'ever', and known to the provider
 * (it answered the creation). A Square checkout bound to a payment only while VOIDED (a FAILED or CANCELED Square
 * payment is final); one still named by our own id in any closed state (its charge may have reached Square all
 * the same).
 */
function canStillTakeMoney(t: Prisma.Sql, horizon: Horizon): Prisma.Sql {
  const windows = Object.entries(LATE_MONEY).map(([provider, w]) => {
    const inWindow =
      horizon === 'ever' && w.anyTime ? Prisma.sql`TRUE` : Prisma.sql`c."createdAt" > ${t} - make_interval(days => ${w.days}::int)`;
    return Prisma.sql`(c.provider = ${provider}::"PaymentProvider"
      AND c.state = ANY (${[...w.states]}::"CheckoutState"[])
      AND ${inWindow})`;
  });
  return Prisma.sql`(${Prisma.join(windows, ' OR ')})
      AND c."providerCheckoutId" IS NOT NULL
      AND NOT (c.provider = 'SQUARE' AND c."providerCheckoutId" <> c.id AND c.state <> 'VOIDED')`;
}

type LateMoneyTable = 'payment_checkouts' | 'deleted_order_checkouts';

/**
 * Ids of the rows of `table` that can still take money, due a look now, least recently asked first: inside the
 * window and older than `olderThanMinutes` at `now` (the instance's), not asked within their interval by the
 * database's clock (lateCheckedAt is dated by it: recordLateMoneyRead).
 */
async function dueIds(db: Db, table: LateMoneyTable, now: Date, olderThanMinutes: number, limit: number) {
  const t = sqlUtcNow(now);
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM ${Prisma.raw(`"${table}"`)} c
    WHERE ${canStillTakeMoney(t, 'asked')}
      AND c."createdAt" < ${t} - make_interval(mins => ${olderThanMinutes}::int)
      AND ${dueAgainByAge(SQL_DATABASE_NOW, 'lateCheckedAt', LATE_MONEY_RECHECK)}
    ORDER BY c."lateCheckedAt" ASC NULLS FIRST, c."createdAt" ASC
    LIMIT ${limit}::int`;
  return rows.map((r) => r.id);
}

/**
 * The closed checkouts due a look now, least recently asked first: made more than `olderThanMinutes` ago,
 * able to take money still (canStillTakeMoney), both at `now` (the instance's clock), not asked within their
 * interval (LATE_MONEY_RECHECK) by the database's clock.
 */
export async function closedCheckoutsDue(db: Db, now: Date, olderThanMinutes: number, limit: number): Promise<PaymentCheckout[]> {
  const ids = await dueIds(db, 'payment_checkouts', now, olderThanMinutes, limit);
  if (!ids.length) return [];
  return inIdOrder(ids, await db.paymentCheckout.findMany({ where: { id: { in: ids } } }));
}

/** The same for the checkouts kept of deleted orders (keepForLateMoney), until money arrives on them (PAID). */
export async function deletedOrderCheckoutsDue(
  db: Db,
  now: Date,
  olderThanMinutes: number,
  limit: number,
): Promise<DeletedOrderCheckout[]> {
  const ids = await dueIds(db, 'deleted_order_checkouts', now, olderThanMinutes, limit);
  if (!ids.length) return [];
  return inIdOrder(ids, await db.deletedOrderCheckout.findMany({ where: { id: { in: ids } } }));
}

/**
 * Records that the reconciliation asked the provider about `id` of `table` (closedCheckoutsDue,
 * deletedOrderCheckoutsDue), whatever the answer (a failed read too): its lateCheckedAt, and updatedAt as before, set
 * to the database's clock's now (clock_timestamp()), by which every instance's run judges it due again.
 */
export async function recordLateMoneyRead(db: Db, table: LateMoneyTable, id: string): Promise<void> {
  await db.$executeRaw`
    UPDATE ${Prisma.raw(`"${table}"`)} c SET "lateCheckedAt" = n.at, "updatedAt" = n.at
    FROM ${DATABASE_CLOCK_INSTANT}
    WHERE c.id = ${id}`;
}

/**
 * An order being deleted (orderAdmin.delete, in its transaction, before the row goes): its checkouts that can
 * still take money are kept in deleted_order_checkouts, so the money that reaches the provider for them is
 * still matched, by a webhook or the reconciliation, and returned (deleted-order-money.ts). An `anyTime`
 * provider's (BTCPay) whatever its age: a month-old invoice can be marked settled by hand tomorrow. The count kept.
 * Whether a checkout is still inside its window is read by the database's clock (its `createdAt` is the database's):
 * an instance whose clock ran ahead dropped a checkout the provider could still take money for, whose money then
 * reached nobody; every instance now keeps the same ones.
 */
export async function keepForLateMoney(tx: Tx, order: { id: string; tenantId: string; number: number }): Promise<number> {
  return tx.$executeRaw`
    INSERT INTO deleted_order_checkouts (id, "tenantId", "orderId", "orderNumber", "connectionId", provider, method,
      "providerCheckoutId", "amountCents", currency, state, "providerStatus", "lateCheckedAt", "createdAt", "deletedAt", "updatedAt")
    SELECT c.id, c."tenantId", c."orderId", ${order.number}::int, c."connectionId", c.provider, c.method,
      c."providerCheckoutId", c."amountCents", c.currency, c.state, c."providerStatus", c."lateCheckedAt", c."createdAt",
      ${SQL_DATABASE_NOW}, ${SQL_DATABASE_NOW}
    FROM payment_checkouts c
    WHERE c."tenantId" = ${order.tenantId} AND c."orderId" = ${order.id} AND ${canStillTakeMoney(SQL_DATABASE_NOW, 'ever')}`;
}

/**
 * Daily housekeeping of deleted_order_checkouts (wired in container.ts RETENTION_RULES): a kept checkout that
 * never took money (not PAID, no late-money action) and can no longer take any (past its provider's window, or
 * never for an `anyTime` provider: canStillTakeMoney 'ever' at `now`) serves nothing more. A BTCPay invoice's row
 * therefore stays until money reaches it (or its shop goes): a merchant's "Mark as settled" a year on still finds
 * it. Deleted in batches of `batch`; a row money reached (PAID, refunding, refunded, flagged or returned by hand)
 * is the record of money owed back and is kept. The conditions are repeated on the DELETE itself, so a row a webhook is paying while the
 * batch is chosen (its row lock) is re-checked on its new version and kept. The number deleted.
 */
export async function pruneSpentDeletedOrderCheckouts(sql: SqlRunner, now: Date, batch: number): Promise<number> {
  const noMoney = Prisma.sql`c.state <> 'PAID' AND c."lateMoneyAction" IS NULL`;
  let total = 0;
  for (;;) {
    const n = await sql.execute(Prisma.sql`
      DELETE FROM deleted_order_checkouts c
      WHERE c.ctid = ANY (ARRAY(
          SELECT c.ctid FROM deleted_order_checkouts c WHERE ${noMoney} AND NOT (${canStillTakeMoney(sqlUtcNow(now), 'ever')}) LIMIT ${batch}::int))
        AND ${noMoney}`);
    total += n;
    if (n < batch) return total;
  }
}
