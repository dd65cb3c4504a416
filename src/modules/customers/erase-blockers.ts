// Why a customer's personal data cannot be erased yet: an order of theirs still needs the shipping address
// (goods to send, or money still moving through a processor). Read inside the erasure's transaction, after
// its locks, so an order placed while it waited is seen (erase-customer.ts).
import type { OrderStatus, ShippingStatus } from '../../generated/prisma/index.js';
import type { Tx } from '../../platform/db/prisma.js';
import { whyOrderMoneyIsMoving } from '../payments-processor/checkouts/money-in-flight.query.js';

/** Paid orders whose goods have not left yet. */
const PAID_STATUSES: readonly OrderStatus[] = ['PAID', 'FULFILLING', 'PARTIALLY_REFUNDED'];
const NOT_SHIPPED: readonly ShippingStatus[] = ['PENDING', 'LABEL_CREATED', 'FAILED'];
/**
 * Paid orders whose parcel may come back to be sent again: these, and SHIPPED and COMPLETE, which a returned parcel
 * (shipping FAILED) leaves as they were (orders/order-transitions.ts orderStatusAfterShipping). A SHIPPED or COMPLETE
 * order whose shipping was never set (a role or download, or a status set by hand) is done: it blocks nothing.
 */
const PAID_OR_SENT: readonly OrderStatus[] = [...PAID_STATUSES, 'SHIPPED', 'COMPLETE'];

function label(o: { number: number; id: string }): string {
  return `#${o.number} (${o.id})`;
}

/**
 * The first reason, naming the order, or null when no order needs the address any more:
 * - unpaid (PENDING_PAYMENT) with an address to ship to;
 * - paid with an address, and not yet shipped, or its parcel came back (shipping FAILED) to be sent again;
 * - money still moving at a processor: a payment confirming, or a refund still being sent.
 * The orders are read FOR SHARE: a shipping change saved but not yet committed (an admin marking a parcel returned) is
 * waited for and seen, not read as it was before and then stripped of its address by the erasure's update.
 */
export async function whyAddressIsStillNeeded(tx: Tx, tenantId: string, customerId: string): Promise<string | null> {
  const orders = await tx.$queryRaw<
    { id: string; tenantId: string; number: number; status: OrderStatus; shippingStatus: ShippingStatus; hasAddress: boolean }[]
  >`
    SELECT id, "tenantId", number, status, "shippingStatus", COALESCE("shippingAddress" <> 'null'::jsonb, false) AS "hasAddress"
    FROM orders WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId}
    ORDER BY number FOR SHARE`;
  for (const o of orders) {
    // Only an address kept on the order is needed: an order with none (a role or download) has nothing to send.
    if (!o.hasAddress) continue;
    if (o.status === 'PENDING_PAYMENT') {
      return `Order ${label(o)} is waiting for payment and still has goods to ship to the customer's address. Cancel it or wait until it is shipped, then erase.`;
    }
    if (PAID_OR_SENT.includes(o.status) && o.shippingStatus === 'FAILED') {
      return `Order ${label(o)} has a parcel that did not arrive (shipping FAILED): its address is still needed to send it again. Send it again, or refund it, then erase.`;
    }
    if (PAID_STATUSES.includes(o.status) && NOT_SHIPPED.includes(o.shippingStatus)) {
      return `Order ${label(o)} is paid and not shipped yet: its address is still needed. Ship it (or cancel and refund it), then erase.`;
    }
  }
  for (const o of orders) {
    const moving = await whyOrderMoneyIsMoving(tx, o);
    // The shared words end with what to do before a delete; an erasure waits for the same thing.
    if (moving)
      return `Order ${label(o)}: ${moving.replace(/\s*[^.]*\bdelete\b[^.]*\.$/i, '')} Erase the customer's data once it has settled.`;
  }
  return null;
}
