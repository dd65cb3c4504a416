// Discount resolution for a customer's order: the best eligible discount, global or assigned to the
// customer, chosen and counted inside the submit transaction. An unpaid order that is cancelled (or
// deleted) gives its use back (returnUse), and cancelled orders do not count against a per-customer limit:
// a customer whose payment was rejected can order again with the same discount.
import { Prisma } from '../../platform/db/prisma.js';
import { executeSql, queryRows, type SqlTarget } from '../../platform/db/sql.js';
import { customerUsesSql, discountAmountCents, eligibilitySql, isEligible, rankDiscounts, type DiscountRule } from './discount-rules.js';

export interface AppliedDiscount {
  discountId: string;
  name: string;
  amountCents: number;
}

/** An eligible discount, ranked by rankDiscounts; opaque to callers (pass it back to applyFirst). */
export interface DiscountCandidate {
  rule: DiscountRule;
  amountCents: number;
  assignmentId: string | null;
}
type Candidate = DiscountCandidate;
type Input = { tenantId: string; customerId: string; subtotalCents: number; now: Date };

export interface DiscountService {
  /** The best eligible discount for this subtotal (read only: for review screens), or null. */
  resolveBestForCustomer(db: SqlTarget, input: { tenantId: string; customerId: string; subtotalCents: number; now: Date }): Promise<AppliedDiscount | null>;
  /**
   * Inside the submit transaction: picks the best eligible discount and counts one use (discount.usedCount,
   * and the assignment's usedCount for an assigned one) with conditional updates, so maxUses holds under
   * concurrency: when the best one was used up meanwhile, the next best is tried.
   */
  applyBestForCustomer(tx: SqlTarget, input: Input): Promise<AppliedDiscount | null>;
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
   * Inside the submit transaction: counts one use of the first of `candidates` (read before the
   * transaction) that is still eligible. Every rule is re-checked by the conditional UPDATE itself (active,
   * window, minimum subtotal, maxUses, maxUsesPerCustomer), and the amount is recomputed from the row it
   * returns, so a discount edited or used up meanwhile is never applied on stale data.
   */
  applyFirst(tx: SqlTarget, input: Input, candidates: readonly DiscountCandidate[]): Promise<AppliedDiscount | null>;
  /**
   * Inside the transaction that cancels (or deletes) an unpaid order: gives back the use its discount
   * counted (the discount's usedCount and, for an assigned one, the customer's). Call once per order;
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
  const rows = await queryRows<DiscountRow>(db, Prisma.sql`
    SELECT d.id, d.name, d.type::text AS type, d."percentOff", d."amountOffCents", d.scope::text AS scope, d."startsAt", d."endsAt",
      d."minSubtotalCents", d."maxUses", d."maxUsesPerCustomer", d."usedCount", d.active,
      a.id AS "assignmentId", a."usedCount" AS "assignmentUses",
      CASE WHEN d.scope = 'GLOBAL' AND d."maxUsesPerCustomer" IS NOT NULL THEN ${customerUsesSql(tenantId, customerId)} ELSE 0 END AS "customerOrders"
    FROM discounts d
    LEFT JOIN discount_assignments a ON a."discountId" = d.id AND a."customerId" = ${customerId}
    WHERE ${eligibilitySql({ tenantId, customerId, now, subtotalCents, assignment: true })}`);
  return eligibleRows(rows, input);
}

export function createDiscountService(): DiscountService {
  return {
    async resolveBestForCustomer(db, input) {
      const best = (await candidates(db, input))[0];
      return best ? { discountId: best.rule.id, name: best.rule.name, amountCents: best.amountCents } : null;
    },

    async applyBestForCustomer(tx, input) {
      return this.applyFirst(tx, input, await candidates(tx, input));
    },

    candidatesFor: candidates,
    candidateRowsSql,
    candidatesFromRows,

    async applyFirst(tx, input, list) {
      const { tenantId, customerId, subtotalCents, now } = input;
      for (const c of list) {
        const [fresh] = await queryRows<Pick<DiscountRule, 'name' | 'type' | 'percentOff' | 'amountOffCents'>>(tx, Prisma.sql`
          UPDATE discounts d SET "usedCount" = d."usedCount" + 1, "updatedAt" = now()
          WHERE d.id = ${c.rule.id} AND ${eligibilitySql({ tenantId, customerId, now, subtotalCents, limits: true })}
          RETURNING d.name, d.type::text AS type, d."percentOff", d."amountOffCents"`);
        if (!fresh) continue;
        const amountCents = discountAmountCents(fresh, subtotalCents);
        if (amountCents === 0) {
          await executeSql(tx, Prisma.sql`UPDATE discounts SET "usedCount" = "usedCount" - 1 WHERE id = ${c.rule.id}`);
          continue;
        }
        if (c.assignmentId) {
          // Assigned: the customer's own use counter, compare-and-set against maxUsesPerCustomer.
          const assigned = await executeSql(tx, Prisma.sql`
            UPDATE discount_assignments a SET "usedCount" = a."usedCount" + 1
            FROM discounts d
            WHERE a.id = ${c.assignmentId} AND a."customerId" = ${customerId} AND d.id = a."discountId"
              AND (d."maxUsesPerCustomer" IS NULL OR a."usedCount" < d."maxUsesPerCustomer")`);
          if (assigned === 0) {
            await executeSql(tx, Prisma.sql`UPDATE discounts SET "usedCount" = "usedCount" - 1 WHERE id = ${c.rule.id}`);
            continue;
          }
        }
        return { discountId: c.rule.id, name: fresh.name, amountCents };
      }
      return null;
    },

    async returnUse(tx, { tenantId, customerId, discountId }) {
      if (!discountId) return false;
      // One statement: the discount's count, then (assigned discounts only) the customer's own count.
      await executeSql(tx, Prisma.sql`
        WITH d AS (
          UPDATE discounts SET "usedCount" = GREATEST("usedCount" - 1, 0), "updatedAt" = now()
          WHERE id = ${discountId} AND "tenantId" = ${tenantId}
          RETURNING id, scope
        )
        UPDATE discount_assignments a SET "usedCount" = GREATEST(a."usedCount" - 1, 0)
        FROM d WHERE d.scope = 'ASSIGNED' AND a."discountId" = d.id AND a."customerId" = ${customerId}`);
      return true;
    },
  };
}
