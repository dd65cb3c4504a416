// The `data` of each outgoing webhook, in the REST API's own shapes (api.presenters.ts), so an integrator
// reads one vocabulary: the order as it is when the event is sent out, plus what the event is about.
//   order.created   {order}
//   order.paid      {order, payment}
//   order.refunded  {order, refund}
//   order.cancelled {order, reason, note}
import type { WebhookDataBuilder } from '../../../modules/webhooks/webhook-delivery.jobs.js';
import type { OrderService } from '../../../modules/orders/index.js';
import { orNullIfNotFound } from '../../../platform/errors.js';
import { orderSummaryDto, paymentDto, refundDto } from '../api/api.presenters.js';

export function createWebhookDataBuilder(deps: { orders: Pick<OrderService, 'get'> }): WebhookDataBuilder {
  return {
    async build(type, payload) {
      const order = await orNullIfNotFound(deps.orders.get(payload.tenantId, payload.orderId));
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
      return base;
    },
  };
}
