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

/** What reserving one line found: the product's name and stock, whether a reservation was recorded and the units taken. */
export interface ReservedLine {
  name: string | null;
  inserted: number;
  taken: number;
  stock: number | null;
}

/**
 * Reserving ONE line as CTEs (`res_ins`, `res_upd`) of a caller's statement, for an order whose id is
 * `orderId` (an expression; `from` adds what it needs, e.g. a CTE that inserted the order), plus the column
 * `reservedLineSql` that reports the result for checkReservedLine. reserveForOrder runs exactly these per
 * line; submit embeds them in its order statement when the order has a single stock line (one round trip
 * less on the hot path; with several lines, reserveForOrder keeps the product-id lock order).
 */
export function reserveLineCtes(tenantId: string, order: { id: Prisma.Sql; from?: Prisma.Sql }, line: StockLine): Prisma.Sql {
  // Record the reservation when the tenant tracks inventory and the product tracks stock (the unique
  // (orderId, productId) makes a repeat a no-op) and, only if it is new, take the units with a conditional
  // decrement. The row lock the UPDATE takes serialises concurrent buyers, and READ COMMITTED re-checks
  // `stock >= quantity` against the committed value after waiting: no overselling.
  return Prisma.sql`res_ins AS (
      INSERT INTO inventory_reservations ("tenantId", "orderId", "productId", quantity, "updatedAt")
      SELECT p."tenantId", ${order.id}, p.id, ${line.quantity}, now()
      FROM ${order.from ? Prisma.sql`${order.from}, ` : Prisma.empty}products p JOIN tenants t ON t.id = p."tenantId"
      WHERE p.id = ${line.productId} AND p."tenantId" = ${tenantId} AND p."trackStock" AND t."inventoryTracking"
      ON CONFLICT ("orderId", "productId") DO NOTHING RETURNING 1
    ), res_upd AS (
      UPDATE products SET stock = stock - ${line.quantity}, "updatedAt" = now()
      WHERE id = ${line.productId} AND "tenantId" = ${tenantId} AND stock >= ${line.quantity} AND EXISTS (SELECT 1 FROM res_ins)
      RETURNING stock
    )`;
}

/** A JSON column reporting what reserveLineCtes did (a ReservedLine). */
export function reservedLineSql(tenantId: string, line: StockLine): Prisma.Sql {
  return Prisma.sql`(SELECT json_build_object('name', p.name, 'inserted', (SELECT count(*)::int FROM res_ins), 'taken', (SELECT count(*)::int FROM res_upd), 'stock', p.stock)
    FROM (SELECT 1) AS one LEFT JOIN products p ON p.id = ${line.productId} AND p."tenantId" = ${tenantId})`;
}

/**
 * reservedLineSql's JSON `r` as a SQL condition: true when checkReservedLine would throw (the same two cases:
 * no such product; the reservation is new and the units were not there). For a statement that must fail
 * whole (raiseIfSql), with `r` as what it found for checkReservedLine.
 */
export function reservedLineFailedSql(r: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`((${r})->>'name' IS NULL OR (((${r})->>'inserted')::int = 1 AND ((${r})->>'taken')::int = 0))`;
}

/** NOT_FOUND (unknown product) or OUT_OF_STOCK (fewer units than asked); the caller's transaction must then roll back. */
export function checkReservedLine(r: ReservedLine | undefined | null, line: StockLine): void {
  if (!r?.name) throw new AppError('NOT_FOUND', `Product ${line.productId} not found`);
  if (r.inserted === 1 && r.taken === 0) {
    const available = r.stock ?? 0;
    throw new AppError('OUT_OF_STOCK', `${r.name} is out of stock (${available} left, ${line.quantity} requested)`, {
      productId: line.productId,
      name: r.name,
      available,
      requested: line.quantity,
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
      for (const line of mergeLines(lines)) {
        // One statement per line, lines in product-id order, so concurrent orders lock products in one order.
        const [r] = await queryRows<{ r: ReservedLine }>(
          tx,
          Prisma.sql`
          WITH ${reserveLineCtes(tenantId, { id: Prisma.sql`${orderId}` }, line)}
          SELECT ${reservedLineSql(tenantId, line)} AS r`,
        );
        checkReservedLine(r?.r, line);
      }
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
