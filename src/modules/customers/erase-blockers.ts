// Why a customer's personal data cannot be erased yet: an order of theirs still needs the shipping address
// (goods to send, or money still moving through a processor). Read inside the erasure's transaction, after
// its locks, so an order placed while it waited is seen (erase-customer.ts).
import type { Tx } from '../../platform/db/prisma.js';
import { whyOrderMoneyIsMoving } from '../payments-processor/checkouts/money-in-flight.query.js';

/** Paid orders whose goods have not left yet (a failed delivery may be sent again). */
const PAID_STATUSES = ['PAID', 'FULFILLING', 'PARTIALLY_REFUNDED'] as const;
const NOT_SHIPPED = ['PENDING', 'LABEL_CREATED', 'FAILED'] as const;

function label(o: { number: number; id: string }): string {
  return `#${o.number} (${o.id})`;
}

/**
 * The first reason, naming the order, or null when no order needs the address any more:
 * - unpaid (PENDING_PAYMENT) with an address to ship to;
 * - paid and not yet shipped;
 * - money still moving at a processor: a payment confirming, or a refund still being sent.
 */
export async function whyAddressIsStillNeeded(tx: Tx, tenantId: string, customerId: string): Promise<string | null> {
  const orders = await tx.order.findMany({
    where: { tenantId, customerId },
    select: { id: true, tenantId: true, number: true, status: true, shippingStatus: true, shippingAddress: true },
    orderBy: [{ number: 'asc' }],
  });
  for (const o of orders) {
    if (o.status === 'PENDING_PAYMENT' && o.shippingAddress !== null) {
      return `Order ${label(o)} is waiting for payment and still has goods to ship to the customer's address. Cancel it or wait until it is shipped, then erase.`;
    }
    if ((PAID_STATUSES as readonly string[]).includes(o.status) && (NOT_SHIPPED as readonly string[]).includes(o.shippingStatus)) {
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
