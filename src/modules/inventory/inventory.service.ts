// Stock reservations. Every method runs inside the caller's transaction (submit, cancel, reject, refund),
// so a reservation exists exactly when the order change that caused it committed: a Prisma transaction or
// the plain-SQL client's (submit).
//
// Products hold `stock` = units still sellable; a reservation takes units out of it when an order is
// submitted. Cancel puts every unreleased unit back; a refund by items puts the refunded units back.
// Products without trackStock, and tenants with inventoryTracking off, are never touched.
import { AppError } from '../../platform/errors.js';
import { Prisma } from '../../platform/db/prisma.js';
import { executeSql, queryRows, type SqlTarget } from '../../platform/db/sql.js';

export interface StockLine {
  productId: string;
  quantity: number;
}

export interface InventoryService {
  /**
   * Takes `quantity` units of each stock-tracked product out of stock and records one reservation per
   * (order, product). Idempotent: a product already reserved for this order is skipped. Lines for the
   * same product are summed. Throws OUT_OF_STOCK (details: productId, name, available, requested) when a
   * product has fewer units than asked; the caller's transaction must then roll back.
   */
  reserveForOrder(tx: SqlTarget, input: { tenantId: string; orderId: string; lines: StockLine[] }): Promise<void>;
  /**
   * Cancel: puts every unit not yet released back into stock and marks the reservations RELEASED.
   * Idempotent: a second call finds nothing left to release. Returns the units released per product.
   */
  releaseForOrder(tx: SqlTarget, input: { tenantId: string; orderId: string }): Promise<StockLine[]>;
  /**
   * Refund by items: puts back up to `quantity` units of each product (never more than were reserved and
   * not yet released). Returns the units actually restocked per product (0-unit lines omitted).
   */
  restockItems(tx: SqlTarget, input: { tenantId: string; orderId: string; items: StockLine[] }): Promise<StockLine[]>;
}

/** What reserving one line found (a row of reserveLinesSql's report): the product's name and stock, whether a reservation was recorded and the units taken. */
export interface ReservedLine {
  productId: string;
  name: string | null;
  inserted: number;
  taken: number;
  stock: number | null;
}

/**
 * Reserving an order's stock lines (mergeLines: summed per product, in product-id order) as CTEs of ONE
 * statement (`ctes`): submit's order statement, and reserveForOrder's own. For the order `order.id` (an
 * expression; `order.from` adds what it needs, e.g. the CTE that inserted the order), it records one
 * reservation per stock-tracked product (when the tenant tracks inventory; the unique (orderId, productId)
 * makes a repeat a no-op) and, only for the new ones, takes the units with a conditional decrement: under
 * READ COMMITTED it re-checks `stock >= quantity` against the committed row it holds, so nothing is oversold.
 * `res_report` has one ReservedLine per line; `failed` is a condition, true when checkReservedLine would
 * throw for a line (an unknown product; a new reservation whose units were not there), and `firstFailure`
 * that line as JSON, for a statement that must fail whole (raiseIfSql).
 * - One line (the usual order, and every order of a flash sale): its one row is locked by its decrement, run
 *   after the reservation (so, in submit, after the order counter the order's insert took).
 * - Several lines: `res_lock` first locks the stock-tracked products in product-id order ("C" collation, the
 *   byte order of mergeLines, by which release and restock lock them one statement each), only when `gate`
 *   holds (submit: the statement took the order number, so a shop's counter is always locked before its
 *   products), with FOR NO KEY UPDATE, the lock the decrement takes (a cart step's foreign-key check, FOR KEY
 *   SHARE, is not blocked by it). One line is not locked that way too: that would lock a flash sale's hot
 *   row twice, and the runs of 2026-12-02 could not tell the two apart, so it keeps the SQL the flash sale was
 *   measured with (docs/decisions/ordering-and-submit.md, step 5).
 */
export function reserveLinesSql(
  tenantId: string,
  lines: StockLine[],
  order: { id: Prisma.Sql; from?: Prisma.Sql },
  gate?: Prisma.Sql,
): { ctes: Prisma.Sql; failed: Prisma.Sql; firstFailure: Prisma.Sql } {
  const from = order.from ? Prisma.sql`${order.from}, ` : Prisma.empty;
  const failedRow = Prisma.sql`(r.name IS NULL OR (r.inserted = 1 AND r.taken = 0))`;
  const reported = {
    failed: Prisma.sql`EXISTS (SELECT 1 FROM res_report r WHERE ${failedRow})`,
    firstFailure: Prisma.sql`(SELECT row_to_json(r) FROM res_report r WHERE ${failedRow} ORDER BY r."productId" COLLATE "C" LIMIT 1)`,
  };
  if (lines.length === 1) {
    const { productId, quantity } = lines[0]!;
    return {
      ctes: Prisma.sql`res_ins AS (
        INSERT INTO inventory_reservations ("tenantId", "orderId", "productId", quantity, "updatedAt")
        SELECT p."tenantId", ${order.id}, p.id, ${quantity}, now()
        FROM ${from}products p JOIN tenants t ON t.id = p."tenantId"
        WHERE p.id = ${productId} AND p."tenantId" = ${tenantId} AND p."trackStock" AND t."inventoryTracking"
        ON CONFLICT ("orderId", "productId") DO NOTHING RETURNING 1
      ), res_upd AS (
        UPDATE products SET stock = stock - ${quantity}, "updatedAt" = now()
        WHERE id = ${productId} AND "tenantId" = ${tenantId} AND stock >= ${quantity} AND EXISTS (SELECT 1 FROM res_ins)
        RETURNING 1
      ), res_report AS (
        SELECT ${productId}::text AS "productId", p.name, (SELECT count(*)::int FROM res_ins) AS inserted,
          (SELECT count(*)::int FROM res_upd) AS taken, p.stock
        FROM (SELECT 1) AS one LEFT JOIN products p ON p.id = ${productId} AND p."tenantId" = ${tenantId}
      )`,
      ...reported,
    };
  }
  const ids = lines.map((l) => l.productId);
  const quantities = lines.map((l) => l.quantity);
  return {
    ctes: Prisma.sql`res_lines AS (
        SELECT * FROM unnest(${ids}::text[], ${quantities}::int[]) AS l("productId", quantity)
      ), res_lock AS MATERIALIZED (
        SELECT p.id, p.stock FROM products p
        WHERE p.id = ANY(${ids}::text[]) AND p."tenantId" = ${tenantId} AND p."trackStock"
          AND EXISTS (SELECT 1 FROM tenants t WHERE t.id = ${tenantId} AND t."inventoryTracking")${gate ? Prisma.sql` AND ${gate}` : Prisma.empty}
        ORDER BY p.id COLLATE "C" FOR NO KEY UPDATE
      ), res_ins AS (
        INSERT INTO inventory_reservations ("tenantId", "orderId", "productId", quantity, "updatedAt")
        SELECT ${tenantId}, ${order.id}, k.id, l.quantity, now()
        FROM ${from}res_lock k JOIN res_lines l ON l."productId" = k.id
        ON CONFLICT ("orderId", "productId") DO NOTHING RETURNING "productId"
      ), res_upd AS (
        UPDATE products p SET stock = p.stock - l.quantity, "updatedAt" = now()
        FROM res_lines l
        WHERE p.id = l."productId" AND p."tenantId" = ${tenantId} AND p.stock >= l.quantity
          AND p.id IN (SELECT "productId" FROM res_ins)
        RETURNING p.id
      ), res_report AS (
        SELECT l."productId", c.name, (l."productId" IN (SELECT "productId" FROM res_ins))::int AS inserted,
          (l."productId" IN (SELECT id FROM res_upd))::int AS taken, COALESCE(k.stock, c.stock) AS stock
        FROM res_lines l
          LEFT JOIN products c ON c.id = l."productId" AND c."tenantId" = ${tenantId}
          LEFT JOIN res_lock k ON k.id = l."productId"
      )`,
    ...reported,
  };
}

/**
 * NOT_FOUND (unknown product) or OUT_OF_STOCK (fewer units than asked) for the line `r` reports, if it failed;
 * the caller's transaction must then roll back.
 */
export function checkReservedLine(r: ReservedLine | undefined | null, lines: readonly StockLine[]): void {
  if (!r) return;
  const requested = lines.find((l) => l.productId === r.productId)?.quantity ?? 0;
  if (!r.name) throw new AppError('NOT_FOUND', `Product ${r.productId} not found`);
  if (r.inserted === 1 && r.taken === 0) {
    const available = r.stock ?? 0;
    throw new AppError('OUT_OF_STOCK', `${r.name} is out of stock (${available} left, ${requested} requested)`, {
      productId: r.productId,
      name: r.name,
      available,
      requested,
    });
  }
}

/** Sums quantities per product and sorts by id, so concurrent transactions lock product rows in one order (no deadlocks). */
export function mergeLines(lines: StockLine[]): StockLine[] {
  const byProduct = new Map<string, number>();
  for (const l of lines) {
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 0)
      throw new AppError('VALIDATION_FAILED', `Invalid quantity ${l.quantity} for ${l.productId}`);
    byProduct.set(l.productId, (byProduct.get(l.productId) ?? 0) + l.quantity);
  }
  return [...byProduct.entries()]
    .filter(([, q]) => q > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([productId, quantity]) => ({ productId, quantity }));
}

export function createInventoryService(): InventoryService {
  return {
    async reserveForOrder(tx, { tenantId, orderId, lines }) {
      const merged = mergeLines(lines);
      if (merged.length === 0) return;
      // One statement: the products locked in id order, then the reservations and the decrements.
      const r = reserveLinesSql(tenantId, merged, { id: Prisma.sql`${orderId}` });
      const [row] = await queryRows<{ failed: ReservedLine | null }>(tx, Prisma.sql`WITH ${r.ctes} SELECT ${r.firstFailure} AS failed`);
      checkReservedLine(row?.failed, merged);
    },

    async releaseForOrder(tx, { tenantId, orderId }) {
      // Lock the order's reservations first so two cancels cannot both release the same units.
      const rows = await queryRows<{ id: string; productId: string; quantity: number; releasedQuantity: number }>(
        tx,
        Prisma.sql`
        SELECT id, "productId", quantity, "releasedQuantity" FROM inventory_reservations
        WHERE "orderId" = ${orderId} AND "tenantId" = ${tenantId}
        ORDER BY "productId" FOR UPDATE`,
      );
      const released: StockLine[] = [];
      for (const r of rows) {
        const units = r.quantity - r.releasedQuantity;
        if (units <= 0) continue;
        await executeSql(
          tx,
          Prisma.sql`UPDATE inventory_reservations SET "releasedQuantity" = quantity, state = 'RELEASED', "updatedAt" = now() WHERE id = ${r.id}`,
        );
        await executeSql(
          tx,
          Prisma.sql`UPDATE products SET stock = stock + ${units}, "updatedAt" = now() WHERE id = ${r.productId} AND "tenantId" = ${tenantId}`,
        );
        released.push({ productId: r.productId, quantity: units });
      }
      return released;
    },

    async restockItems(tx, { tenantId, orderId, items }) {
      const merged = mergeLines(items);
      if (merged.length === 0) return [];
      const restocked: StockLine[] = [];
      for (const item of merged) {
        const rows = await queryRows<{ id: string; quantity: number; releasedQuantity: number }>(
          tx,
          Prisma.sql`
          SELECT id, quantity, "releasedQuantity" FROM inventory_reservations
          WHERE "orderId" = ${orderId} AND "productId" = ${item.productId} AND "tenantId" = ${tenantId}
          FOR UPDATE`,
        );
        const r = rows[0];
        if (!r) continue; // not stock-tracked (or tracking was off when the order was placed): nothing to put back
        const units = Math.min(item.quantity, r.quantity - r.releasedQuantity);
        if (units <= 0) continue;
        // Fully given back: RELEASED; otherwise the state (RESERVED or COMMITTED) stays as it is.
        await executeSql(
          tx,
          Prisma.sql`
          UPDATE inventory_reservations SET "releasedQuantity" = "releasedQuantity" + ${units},
            state = CASE WHEN "releasedQuantity" + ${units} = quantity THEN 'RELEASED'::"ReservationState" ELSE state END,
            "updatedAt" = now()
          WHERE id = ${r.id}`,
        );
        await executeSql(
          tx,
          Prisma.sql`UPDATE products SET stock = stock + ${units}, "updatedAt" = now() WHERE id = ${item.productId} AND "tenantId" = ${tenantId}`,
        );
        restocked.push({ productId: item.productId, quantity: units });
      }
      return restocked;
    },
  };
}
