// What the customer is told when an order's parcel moves, decided from the order before and after an
// update (in its transaction, so the notice exists if and only if the change committed):
// - handed to the carrier (shippingStatus -> SHIPPED): order.shipped with the tracking number and carrier
//   (trackingUpdate false);
// - tracking number or carrier changed while it travels: order.shipped again (the new tracking; trackingUpdate true);
// - delivered (shippingStatus -> DELIVERED): order.delivered.
// Each names the update's audit entry (changeId): one occurrence per change, for the outgoing webhooks' de-duplication.
// Job keys name the order and the update (changeId): each update is its own job, and a retried update (the same
// audit entry) is one. Keyed by what is said instead, a second update's jobs replaced the first's while both were
// pending (graphile-worker's job key), so an integrator got one message for two: an order delivered twice
// (DELIVERED -> FAILED -> SHIPPED -> DELIVERED, a parcel that came back and went out again), or shipped again with
// the same tracking number. What the customer is told is de-duplicated by the DM's own delivery key, not the job's:
// the shipping DM once per tracking (shippedNoticeKey), the "arrived" DM once per order (adapters/discord/notifications).
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

/**
 * The job key of a shipment: the order and the update that shipped it or changed its tracking (each is news to an
 * integrator, even with the same tracking number); by the tracking when the update recorded no entry.
 */
function shippedJobKey(orderId: string, changeId: string | undefined, trackingNumber: string | null, carrier: string | null): string {
  return changeId ? `order-shipped:${orderId}:${changeId}` : shippedNoticeKey(orderId, trackingNumber, carrier);
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
      jobKey: shippedJobKey(after.id, changeId, after.trackingNumber, after.shippingCarrier),
    });
  }
  if (after.shippingStatus === 'DELIVERED' && before.shippingStatus !== 'DELIVERED') {
    const payload: OrderDeliveredPayload = { tenantId: ctx.tenantId, orderId: after.id, ...(changeId ? { changeId } : {}) };
    await deps.bus.emit(tx, EVENTS.orderDelivered, payload, { jobKey: deliveredNoticeKey(after.id, changeId) });
  }
}
