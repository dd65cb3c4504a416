// A product that is on an order stays: its orders' refunds (restocking, revoking the roles it granted, the
// licence keys it gave out) still refer to it. Deleting it used to take the orders' entitlements with it
// (a foreign key with ON DELETE CASCADE), so a refund afterwards left the customer with the paid role. The
// shop stops selling it by turning Active off; a product never ordered (made by mistake) can be deleted.
import type { Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';

/**
 * Throws CONFLICT when the tenant's product is on any order (order_items keep a snapshot of the product, not
 * a foreign key). Called in the transaction of the product's delete, before it, with the product's row
 * locked. The entitlements' foreign key (ON DELETE NO ACTION) is the backstop.
 */
export async function assertProductNotOrdered(tx: Tx, product: { tenantId: string; id: string; name: string }): Promise<void> {
  const [row] = await tx.$queryRaw<{ orders: number }[]>`
    SELECT count(*)::int AS orders FROM order_items i JOIN orders o ON o.id = i."orderId"
    WHERE i."productId" = ${product.id} AND o."tenantId" = ${product.tenantId}`;
  const orders = row?.orders ?? 0;
  if (orders === 0) return;
  throw new AppError(
    'CONFLICT',
    `"${product.name}" is on ${orders === 1 ? 'an order' : `${orders.toLocaleString('en-US')} orders`}, so it cannot be deleted: refunds of those orders still need it (its stock, the roles it granted, its keys). Turn off Active to stop selling it.`,
  );
}
