// The discount, shipping and tax earlier refunds of an order carried back (sums of its refund rows), for
// the refund plan's "what is left of each part". Run inside the refund's transaction, under the order lock.
import type { Db, Tx } from '../../platform/db/prisma.js';
import type { RefundedParts } from './refund-shares.js';

export async function refundedPartsOf(db: Db | Tx, orderId: string): Promise<RefundedParts> {
  const sums = await db.refund.aggregate({ where: { orderId }, _sum: { discountCents: true, shippingCents: true, taxCents: true } });
  return { discountCents: sums._sum.discountCents ?? 0, shippingCents: sums._sum.shippingCents ?? 0, taxCents: sums._sum.taxCents ?? 0 };
}
