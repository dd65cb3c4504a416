// The customer's own "Cancel order" on an unpaid order (issue 12), from the "Order submitted" message and
// the /orders detail: orders:cancel:<orderId>:<page> asks, orders:cancel-confirm:<orderId>:<page> cancels
// through services.orderAdmin.cancelForCustomer, the same cancel the admin panel uses (stock and discount
// use released, order.cancelled, audit), which checks under the order's row lock that the caller is the
// order's customer and that it is still unpaid. A second click finds it cancelled and changes nothing.
import { AppError } from '../../../platform/errors.js';
import type { TenantContext } from '../../../modules/shared/actor.js';
import type { ComponentRoutes, HandlerContext } from '../context.js';
import { displayName } from '../context.js';
import { update, type MessageData } from '../replies.js';
import type { Order } from '../../../generated/prisma/index.js';
import { expectedDueAt } from '../../../modules/order-expiry/payment-window.service.js';
import { submittedStep } from '../views/order-steps.view.js';
import { payLinkFor } from '../views/pay-link.view.js';
import { confirmCancelStep, customerCancelledStep, payByLine, unpaidOrderRow } from '../views/pay-window.view.js';

type SubmittedOrder = Pick<
  Order,
  'id' | 'number' | 'status' | 'totalCents' | 'currency' | 'paymentMethod' | 'taxAmountCents' | 'createdAt' | 'paymentDueAt'
>;
import { orderDetail } from './orders-list.handlers.js';

function customerContext(ctx: HandlerContext): TenantContext {
  return { tenantId: ctx.tenant.id, actor: { type: 'CUSTOMER', id: ctx.user.id, label: displayName(ctx.user) } };
}

export const selfServiceComponents: ComponentRoutes = {
  'orders:cancel': {
    kind: 'component',
    async run(ctx, [orderId, page]) {
      const customer = await ctx.customer();
      const order = await ctx.services.orders.get(ctx.tenant.id, orderId);
      // Custom ids can be crafted: someone else's order does not exist for this caller.
      if (order.customerId !== customer.id) throw new AppError('NOT_FOUND', 'Order not found.');
      // Paid or cancelled since the button was drawn: show the order as it is now.
      if (order.status !== 'PENDING_PAYMENT') return update(await orderDetail(ctx, orderId, page));
      return update(confirmCancelStep(order, page));
    },
  },
  'orders:cancel-confirm': {
    kind: 'component',
    async run(ctx, [orderId, page]) {
      const customer = await ctx.customer();
      const { order, changed } = await ctx.services.orderAdmin.cancelForCustomer(customerContext(ctx), orderId, customer.id);
      return update(customerCancelledStep(order, page, changed));
    },
  },
};

/**
 * Step 7, "Order submitted", with what the customer can do while it is unpaid: the deadline, "Cancel
 * order" and, for a processor-backed method, "Pay now".
 */
export async function submittedMessage(ctx: HandlerContext, order: SubmittedOrder, created: boolean): Promise<MessageData> {
  const message = submittedStep(order, ctx.tenant, !created);
  if (order.status !== 'PENDING_PAYMENT') return message;
  const payUrl = await payLinkFor(ctx.services.invoices, ctx.tenant.id, order);
  const [first, ...rest] = message.embeds ?? [];
  const dueLine = payByLine(expectedDueAt(order, ctx.tenant, ctx.services.clock));
  return {
    ...message,
    embeds: first ? [{ ...first, description: `${first.description ?? ''}\n\n${dueLine}` }, ...rest] : [],
    components: [...(message.components ?? []), unpaidOrderRow(order, 0, payUrl)],
  };
}
