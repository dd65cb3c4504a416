// The `data` of each outgoing webhook, in the REST API's own shapes (api.presenters.ts), so an integrator
// reads one vocabulary: the order as it is when the event is sent out, plus what the event is about. An order
// deleted since the event is described as it was when deleted (the delete's audit snapshot): the event committed,
// and its delivery must not be lost with the order.
//   order.created   {order}
//   order.paid      {order, payment}
//   order.refunded  {order, refund}
//   order.cancelled {order, reason, note}
//   order.shipped   {order, trackingNumber, carrier, trackingUrl, trackingUpdate}: the tracking the event carried
//                   (the order's own may have changed since); trackingUpdate tells a tracking change in transit
//                   from a hand-over to the carrier
//   order.delivered {order}
//   order.deleted   {order, deletedAt}: always from the delete's snapshot (the row is gone by then)
import type { WebhookDataBuilder } from '../../../modules/webhooks/webhook-delivery.jobs.js';
import type { OrderService } from '../../../modules/orders/index.js';
import type { DeletedOrderSnapshot } from '../../../modules/order-admin/deleted-order-snapshot.js';
import { orNullIfNotFound } from '../../../platform/errors.js';
import { trackingLink } from '../../../modules/shipping/carriers.js';
import { orderSummaryDto, paymentDto, refundDto } from '../api/api.presenters.js';

export function createWebhookDataBuilder(deps: {
  orders: Pick<OrderService, 'get'>;
  /** The order as it was deleted (deleted-order-snapshot.ts), or null. */
  deletedOrder: (tenantId: string, orderId: string) => Promise<DeletedOrderSnapshot | null>;
}): WebhookDataBuilder {
  return {
    async build(type, payload) {
      const order =
        (type === 'order.deleted' ? null : await orNullIfNotFound(deps.orders.get(payload.tenantId, payload.orderId))) ??
        (await deps.deletedOrder(payload.tenantId, payload.orderId));
      // Gone without a trace (its shop removed, or a row deleted by hand): there is nothing true to send.
      if (!order) return null;
      const base = { order: orderSummaryDto(order) };
      if ('refundId' in payload) {
        const refund = order.refunds.find((r) => r.id === payload.refundId);
        return { ...base, refund: refund ? refundDto(refund) : null };
      }
      if ('paymentId' in payload) {
        const payment = order.payments.find((p) => p.id === payload.paymentId);
        return { ...base, payment: payment ? paymentDto(payment) : null };
      }
      if (type === 'order.cancelled' && 'reason' in payload) return { ...base, reason: payload.reason, note: payload.note ?? null };
      if ('trackingNumber' in payload)
        return {
          ...base,
          trackingNumber: payload.trackingNumber,
          carrier: payload.carrier,
          trackingUrl: trackingLink(payload.trackingNumber, payload.carrier)?.url ?? null,
          trackingUpdate: payload.trackingUpdate ?? false,
        };
      if ('deletedAt' in payload) return { ...base, deletedAt: payload.deletedAt };
      return base;
    },
  };
}
