// Discount resolution for a customer's order: the best eligible discount, global or assigned to the
// customer, chosen before the submit transaction and checked (and, when limited, counted) by its last
// statement. An unpaid order that is cancelled (or deleted) gives its use back (returnUse), and cancelled
// orders do not count against a per-customer limit: a customer whose payment was rejected can order again
// with the same discount.
//
// No hot row (docs/decisions/discount-usage.md): "usedCount" is the count of uses against "maxUses", kept
// only while the discount HAS a limit. A discount without one is re-checked by a plain read and updates no
// shared counter (its uses are the orders that name it); a limited one is counted by a conditional UPDATE
// in the submit transaction's LAST statement, so its row is locked only from there to COMMIT. Setting a
// limit on a discount that had none recounts its uses from the orders (a trigger; see the migration
// discount_use_counter_only_when_limited).
import { Prisma } from '../../platform/db/prisma.js';
import { executeSql, queryRows, type SqlTarget } from '../../platform/db/sql.js';
import { customerUsesSql, discountAmountCents, eligibilitySql, isEligible, rankDiscounts, type DiscountRule } from './discount-rules.js';

export interface AppliedDiscount {
  discountId: string;
  name: string;
  amountCents: number;
}

/** An eligible discount, ranked by rankDiscounts; opaque to callers (pass it back to useSql / checkUse). */
export interface DiscountCandidate {
  rule: DiscountRule;
  amountCents: number;
  assignmentId: string | null;
}
type Candidate = DiscountCandidate;
type Input = { tenantId: string; customerId: string; subtotalCents: number; now: Date };

export interface DiscountService {
  /** The best eligible discount for this subtotal (read only: for review screens), or null. */
  resolveBestForCustomer(
    db: SqlTarget,
    input: { tenantId: string; customerId: string; subtotalCents: number; now: Date },
  ): Promise<AppliedDiscount | null>;
  /** The eligible discounts for this subtotal, best first (read only). */
  candidatesFor(db: SqlTarget, input: Input): Promise<DiscountCandidate[]>;
  /**
   * candidatesFor in two halves, so a caller can read the rows in a statement it makes anyway (submit reads
   * them with the session: one round trip less): a scalar subquery giving the rows as JSON (any subtotal)...
   */
  candidateRowsSql(input: { tenantId: string; customerId: string; now: Date }): Prisma.Sql;
  /** ...and the eligible ones for this subtotal among those rows, best first (same result as candidatesFor). */
  candidatesFromRows(rows: unknown, input: Input): DiscountCandidate[];
  /**
   * The check (and count) of one use of `candidate` as CTEs of the caller's statement (submit's order
   * statement, sent with its COMMIT; `gate`, a condition the caller's statement makes true once it holds
   * its earlier locks), plus `stale`: a SQL condition, true when the discount can no longer be
   * used as quoted (used up, edited, ended, or the customer's use taken); the caller's statement must then
   * fail (raiseIfSql) and submit price the order again. Every rule is re-checked by the statement itself
   * (active, window, minimum subtotal, maxUses, maxUsesPerCustomer):
   *  - no use limit: a read under FOR SHARE, no write (the discount must still have no limit; an admin
   *    setting a limit waits for the order, so the limit's recount sees it);
   *  - a use limit: "usedCount" + 1 only while below "maxUses" (READ COMMITTED re-checks it against the
   *    committed count after waiting on the row: the limit is never exceeded);
   *  - assigned: the customer's own assignment counted against maxUsesPerCustomer (a per-customer row);
   *  - edited: its name or what it takes off (type, percent, amount) differ from the quote's.
   */
  useSql(input: Input, candidate: DiscountCandidate, gate?: Prisma.Sql): { ctes: Prisma.Sql; stale: Prisma.Sql };
  /**
   * Inside the transaction that cancels (or deletes) an unpaid order: gives back the use its discount
   * counted (the discount's usedCount while it has a limit and, for an assigned one, the customer's). Call once per order;
   * the caller's order lock and status check make sure of it. False when the order had no discount.
   */
  returnUse(tx: SqlTarget, order: { tenantId: string; customerId: string; discountId: string | null }): Promise<boolean>;
}

type DiscountRow = DiscountRule & { assignmentId: string | null; assignmentUses: number | null; customerOrders: number };
/** A DiscountRow as candidateRowsSql returns it: dates as epoch milliseconds. */
type DiscountJsonRow = Omit<DiscountRow, 'startsAt' | 'endsAt'> & { startsAt: number | null; endsAt: number | null };

function eligibleRows(rows: DiscountRow[], input: Input): Candidate[] {
  const { now, subtotalCents } = input;
  const out: Candidate[] = [];
  for (const r of rows) {
    const assignmentId = r.scope === 'ASSIGNED' ? r.assignmentId : null;
    const customerUses = r.scope === 'ASSIGNED' ? (r.assignmentUses ?? 0) : r.customerOrders;
    if (!isEligible(r, { now, subtotalCents, customerUses })) continue;
    out.push({ rule: r, amountCents: discountAmountCents(r, subtotalCents), assignmentId });
  }
  return rankDiscounts(out);
}

function candidateRowsSql(input: { tenantId: string; customerId: string; now: Date }): Prisma.Sql {
  const { tenantId, customerId, now } = input;
  // The same rows as candidates() below, without the minimum-subtotal filter (isEligible applies it).
  // Timestamps (UTC, without time zone) as epoch milliseconds: JSON has no date type.
  const ms = (col: Prisma.Sql) => Prisma.sql`(extract(epoch from ${col}) * 1000)::float8`;
  return Prisma.sql`COALESCE((SELECT json_agg(json_build_object('id', d.id, 'name', d.name, 'type', d.type, 'percentOff', d."percentOff",
      'amountOffCents', d."amountOffCents", 'scope', d.scope, 'startsAt', ${ms(Prisma.sql`d."startsAt"`)}, 'endsAt', ${ms(Prisma.sql`d."endsAt"`)},
      'minSubtotalCents', d."minSubtotalCents", 'maxUses', d."maxUses", 'maxUsesPerCustomer', d."maxUsesPerCustomer", 'usedCount', d."usedCount",
      'active', d.active, 'assignmentId', a.id, 'assignmentUses', a."usedCount",
      'customerOrders', CASE WHEN d.scope = 'GLOBAL' AND d."maxUsesPerCustomer" IS NOT NULL THEN ${customerUsesSql(tenantId, customerId)} ELSE 0 END))
    FROM discounts d
    LEFT JOIN discount_assignments a ON a."discountId" = d.id AND a."customerId" = ${customerId}
    WHERE ${eligibilitySql({ tenantId, customerId, now, assignment: true })}), '[]'::json)`;
}

function candidatesFromRows(rows: unknown, input: Input): Candidate[] {
  const parsed = (rows as DiscountJsonRow[]).map((r) => ({
    ...r,
    startsAt: r.startsAt === null ? null : new Date(r.startsAt),
    endsAt: r.endsAt === null ? null : new Date(r.endsAt),
  }));
  return eligibleRows(parsed, input);
}

async function candidates(db: SqlTarget, input: Input): Promise<Candidate[]> {
  const { tenantId, customerId, subtotalCents, now } = input;
  // One query: the tenant's discounts that could apply, the customer's assignment (for ASSIGNED ones) and,
  // for global ones with a per-customer limit, how many of the customer's orders used them.
  const rows = await queryRows<DiscountRow>(
    db,
    Prisma.sql`
    SELECT d.id, d.name, d.type::text AS type, d."percentOff", d."amountOffCents", d.scope::text AS scope, d."startsAt", d."endsAt",
      d."minSubtotalCents", d."maxUses", d."maxUsesPerCustomer", d."usedCount", d.active,
      a.id AS "assignmentId", a."usedCount" AS "assignmentUses",
      CASE WHEN d.scope = 'GLOBAL' AND d."maxUsesPerCustomer" IS NOT NULL THEN ${customerUsesSql(tenantId, customerId)} ELSE 0 END AS "customerOrders"
    FROM discounts d
    LEFT JOIN discount_assignments a ON a."discountId" = d.id AND a."customerId" = ${customerId}
    WHERE ${eligibilitySql({ tenantId, customerId, now, subtotalCents, assignment: true })}`,
  );
  return eligibleRows(rows, input);
}

export function createDiscountService(): DiscountService {
  return {
    async resolveBestForCustomer(db, input) {
      const best = (await candidates(db, input))[0];
      return best ? { discountId: best.rule.id, name: best.rule.name, amountCents: best.amountCents } : null;
    },

    candidatesFor: candidates,
    candidateRowsSql,
    candidatesFromRows,

    useSql(input, c, gate) {
      const { tenantId, customerId, subtotalCents, now } = input;
      const rules = eligibilitySql({ tenantId, customerId, now, subtotalCents, limits: true });
      const returned = Prisma.sql`d.name, d.type::text AS type, d."percentOff", d."amountOffCents"`;
      // No limit: read under FOR SHARE (no write, no new row version), so an admin setting a limit meanwhile
      // waits for this order, and the limit's recount (the discounts_recount_on_limit trigger) then counts it;
      // an order placed after the limit finds "maxUses" set and is priced again. Without the lock the recount
      // missed the orders still committing and the limit could be exceeded. FOR SHARE, not FOR KEY SHARE:
      // only the former makes that UPDATE wait. Taken after the order counter (`gate`), like the stock.
      const use =
        c.rule.maxUses === null
          ? Prisma.sql`disc_use AS (SELECT ${returned} FROM discounts d
              WHERE d.id = ${c.rule.id} AND d."maxUses" IS NULL AND ${rules}${gate ? Prisma.sql` AND ${gate}` : Prisma.empty}
              FOR SHARE OF d)`
          : Prisma.sql`disc_use AS (
            UPDATE discounts d SET "usedCount" = d."usedCount" + 1, "updatedAt" = now()
            WHERE d.id = ${c.rule.id} AND d."maxUses" IS NOT NULL AND ${rules}
            RETURNING ${returned})`;
      // Assigned: the customer's own use counter, compare-and-set against maxUsesPerCustomer.
      const assigned = c.assignmentId
        ? Prisma.sql`, disc_assigned AS (
            UPDATE discount_assignments a SET "usedCount" = a."usedCount" + 1
            FROM discounts d
            WHERE a.id = ${c.assignmentId} AND a."customerId" = ${customerId} AND a."tenantId" = ${tenantId} AND d.id = a."discountId"
              AND (d."maxUsesPerCustomer" IS NULL OR a."usedCount" < d."maxUsesPerCustomer")
            RETURNING 1)`
        : Prisma.empty;
      // What it takes off is the quote's when these four are (discountAmountCents depends on nothing else
      // but the subtotal, which submit re-checks itself).
      const asQuoted = Prisma.sql`EXISTS (SELECT 1 FROM disc_use u WHERE u.name = ${c.rule.name}::text AND u.type = ${c.rule.type}::text
        AND u."percentOff" IS NOT DISTINCT FROM ${c.rule.percentOff}::int AND u."amountOffCents" IS NOT DISTINCT FROM ${c.rule.amountOffCents}::int)`;
      return {
        ctes: Prisma.sql`${use}${assigned}`,
        stale: c.assignmentId ? Prisma.sql`(NOT ${asQuoted} OR (SELECT count(*) FROM disc_assigned) <> 1)` : Prisma.sql`(NOT ${asQuoted})`,
      };
    },

    async returnUse(tx, { tenantId, customerId, discountId }) {
      if (!discountId) return false;
      // One statement: the discount's count (kept only while it has a use limit), then (assigned discounts
      // only) the customer's own count.
      await executeSql(
        tx,
        Prisma.sql`
        WITH d AS (
          SELECT id, scope, "maxUses" FROM discounts WHERE id = ${discountId} AND "tenantId" = ${tenantId}
        ), counted AS (
          UPDATE discounts SET "usedCount" = GREATEST("usedCount" - 1, 0), "updatedAt" = now()
          WHERE id IN (SELECT id FROM d WHERE "maxUses" IS NOT NULL)
          RETURNING id
        )
        UPDATE discount_assignments a SET "usedCount" = GREATEST(a."usedCount" - 1, 0)
        FROM d WHERE d.scope = 'ASSIGNED' AND a."discountId" = d.id AND a."customerId" = ${customerId}`,
      );
      return true;
    },
  };
}
