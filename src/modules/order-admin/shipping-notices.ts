// What the customer is told when an order's parcel moves, decided from the order before and after an
// update (in its transaction, so the notice exists if and only if the change committed):
// - handed to the carrier (shippingStatus -> SHIPPED): order.shipped with the tracking number and carrier
//   (trackingUpdate false);
// - tracking number or carrier changed while it travels: order.shipped again (the new tracking; trackingUpdate true);
// - delivered (shippingStatus -> DELIVERED): order.delivered.
// Each names the update's audit entry (changeId): one occurrence per change, for the outgoing webhooks' de-duplication.
// Job keys name the order and what is said (the tracking), so the same news is one job and one DM; the
// notification job's delivery key is the same string (surfaces/discord/notifications). A delivery's job key names
// its update (changeId) too: an order can be delivered twice (DELIVERED -> FAILED -> SHIPPED -> DELIVERED, a
// parcel that came back and went out again), and with the order alone as the key the second delivery's jobs
// replaced the first's while both were pending, so an integrator got one order.delivered for two (the customer's
// "arrived" DM stays one per order: its delivery key is the order's, adapters/discord/notifications).
import type { Order } from '../../generated/prisma/index.js';
import type { Tx } from '../../platform/db/prisma.js';
import { sha256Hex } from '../../platform/crypto.js';
import type { TenantContext } from '../shared/actor.js';
import { EVENTS, type OrderDeliveredPayload, type OrderShippedPayload } from '../shared/events.js';
import type { AfterSaleDeps } from '../orders/index.js';

/** The notice's key for a shipment: the order and its tracking (a new tracking number is new news). */
export function shippedNoticeKey(orderId: string, trackingNumber: string | null, carrier: string | null): string {
  return `order-shipped:${orderId}:${sha256Hex(`${trackingNumber ?? ''}|${carrier ?? ''}`).slice(0, 16)}`;
}

/** The job key of a delivery: the order and the update that marked it delivered (each delivery is news). */
function deliveredNoticeKey(orderId: string, changeId: string | undefined): string {
  return changeId ? `order-delivered:${orderId}:${changeId}` : `order-delivered:${orderId}`;
}

export async function enqueueShippingNotices(
  tx: Tx,
  deps: Pick<AfterSaleDeps, 'bus'>,
  ctx: TenantContext,
  before: Order,
  after: Order,
  /** The update's audit entry (none when the update changed nothing it records, and so nothing said here). */
  changeId: string | undefined,
): Promise<void> {
  const shippedNow = after.shippingStatus === 'SHIPPED' && before.shippingStatus !== 'SHIPPED';
  const trackingChanged =
    after.shippingStatus === 'SHIPPED' &&
    (before.trackingNumber !== after.trackingNumber || before.shippingCarrier !== after.shippingCarrier);
  if (shippedNow || trackingChanged) {
    const payload: OrderShippedPayload = {
      tenantId: ctx.tenantId,
      orderId: after.id,
      trackingNumber: after.trackingNumber,
      carrier: after.shippingCarrier,
      trackingUpdate: !shippedNow,
      ...(changeId ? { changeId } : {}),
    };
    await deps.bus.emit(tx, EVENTS.orderShipped, payload, {
      jobKey: shippedNoticeKey(after.id, after.trackingNumber, after.shippingCarrier),
    });
  }
  if (after.shippingStatus === 'DELIVERED' && before.shippingStatus !== 'DELIVERED') {
    const payload: OrderDeliveredPayload = { tenantId: ctx.tenantId, orderId: after.id, ...(changeId ? { changeId } : {}) };
    await deps.bus.emit(tx, EVENTS.orderDelivered, payload, { jobKey: deliveredNoticeKey(after.id, changeId) });
  }
}
