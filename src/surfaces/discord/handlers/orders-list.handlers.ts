// /orders: the caller's own orders, 10 a page, newest first, ephemeral; View details
// (orders:detail:<id>:<p>) and Previous/Next (orders:page:<n>, 0-indexed) as spec 001 says. An order that
// is not the caller's (another customer, another tenant) is "not found". The detail lists the licence keys
// and download links the order delivered (issue 13).
import { ButtonStyle } from 'discord-api-types/v10';
import { AppError } from '../../../platform/errors.js';
import { formatMoney } from '../../../platform/money.js';
import type { CommandRoutes, ComponentRoutes, HandlerContext } from '../context.js';
import { customId } from '../custom-id.js';
import { button, COLORS, embed, ephemeral, row, update, type MessageData, type Row } from '../replies.js';
import { formatAddress, linesText, totalsText, type AddressLike } from '../views/order-steps.view.js';
import { paymentMethodLabel } from '../views/payment-methods.view.js';
import { payLinkFor } from '../views/pay-link.view.js';
import { payByValue, unpaidOrderRow } from '../views/pay-window.view.js';
import { expectedDueAt } from '../../../modules/order-expiry/payment-window.service.js';
import { digitalItemFields } from '../views/digital-items.view.js';
import { orderStatusWords, shippingStatusWords, trackingText } from '../views/order-status.view.js';

export const ORDERS_PAGE_SIZE = 10;

const date = (d: Date) => d.toISOString().slice(0, 10);

async function listPage(ctx: HandlerContext, asked: number): Promise<MessageData> {
  const customer = await ctx.customer();
  let page = asked;
  let { orders, total } = await ctx.services.orders.listForCustomer(ctx.tenant.id, customer.id, { page, pageSize: ORDERS_PAGE_SIZE });
  // A page past the end (an old button after orders were deleted, or a crafted id) shows the last page.
  const last = Math.max(0, Math.ceil(total / ORDERS_PAGE_SIZE) - 1);
  if (page > last && total > 0) {
    page = last;
    ({ orders, total } = await ctx.services.orders.listForCustomer(ctx.tenant.id, customer.id, { page, pageSize: ORDERS_PAGE_SIZE }));
  }
  if (total === 0)
    return {
      embeds: [embed({ title: 'Your orders', description: 'You have no orders yet. Run `/order` to place one.', color: COLORS.muted })],
      components: [],
    };
  const pages = Math.max(1, Math.ceil(total / ORDERS_PAGE_SIZE));
  const lines = orders.map(
    (o) => `**#${o.number}** · ${orderStatusWords(o.status)} · ${formatMoney(o.totalCents, o.currency)} · ${date(o.createdAt)}`,
  );
  const components: Row[] = [];
  const details = orders.map((o) => button(customId('orders:detail', o.id, page), `View #${o.number}`));
  for (let i = 0; i < details.length; i += 5) components.push(row(...details.slice(i, i + 5)));
  if (total > ORDERS_PAGE_SIZE) {
    components.push(
      row(
        button(customId('orders:page', Math.max(page - 1, 0)), 'Previous', ButtonStyle.Secondary, page <= 0),
        button(customId('orders:page', Math.min(page + 1, pages - 1)), 'Next', ButtonStyle.Secondary, page >= pages - 1),
      ),
    );
  }
  return {
    embeds: [
      embed({
        title: 'Your orders',
        description: lines.join('\n') || 'No orders on this page.',
        color: COLORS.brand,
        footer: { text: `Page ${page + 1} of ${pages} · ${total} ${total === 1 ? 'order' : 'orders'}` },
      }),
    ],
    components,
  };
}

/** One order of the caller's, in full (NOT_FOUND for anyone else's). */
export async function orderDetail(ctx: HandlerContext, orderId: string, page: number): Promise<MessageData> {
  const customer = await ctx.customer();
  let d = await ctx.services.orders.get(ctx.tenant.id, orderId);
  // Custom ids can be crafted: only the order's own customer may see it.
  if (d.customerId !== customer.id) throw new AppError('NOT_FOUND', 'Order not found.');
  const delivered = await ctx.services.digitalGoods.forOrder(ctx.tenant.id, d.id);
  // The payment hands out the keys in the transaction that marks the order paid: keys beside an order read as unpaid
  // mean it was paid between the two reads, so it is read again. Shown as read, the detail had the key beside Pay now
  // and Cancel order (before 2026-12-07).
  if (d.status === 'PENDING_PAYMENT' && delivered.length) d = await ctx.services.orders.get(ctx.tenant.id, orderId);
  const fields = [
    {
      name: 'Items',
      value: linesText(
        d.items.map((i) => ({ ...i, lineTotalCents: i.quantity * i.unitPriceCents })),
        d.currency,
      ),
    },
    { name: 'Totals', value: totalsText(d) + (d.refundedTotalCents ? `\nRefunded: ${formatMoney(d.refundedTotalCents, d.currency)}` : '') },
    { name: 'Status', value: orderStatusWords(d.status), inline: true },
    { name: 'Shipping', value: shippingStatusWords(d.shippingStatus), inline: true },
    { name: 'Payment', value: paymentMethodLabel(d.paymentMethod), inline: true },
  ];
  const tracking = trackingText(d.trackingNumber, d.shippingCarrier);
  if (tracking) fields.push({ name: 'Tracking', value: tracking, inline: false });
  if (d.shippingAddress) fields.push({ name: 'Ship to', value: formatAddress(d.shippingAddress as unknown as AddressLike), inline: false });
  // What the order delivered (keys in full: only its own customer sees this ephemeral reply; revoked ones marked).
  fields.push(...digitalItemFields(delivered, { name: 'Digital items', includeRevoked: true }));
  // While unpaid: the deadline, "Cancel order" and, for a processor-backed order, its "Pay now" link.
  const unpaid = d.status === 'PENDING_PAYMENT';
  if (unpaid) fields.push({ name: 'Pay by', value: payByValue(expectedDueAt(d, ctx.tenant, ctx.services.clock)), inline: false });
  const payUrl = unpaid ? await payLinkFor(ctx.services.invoices, ctx.tenant.id, d) : null;
  return {
    embeds: [embed({ title: `Order #${d.number}`, color: COLORS.brand, fields, footer: { text: `Placed ${date(d.createdAt)}` } })],
    // What the customer came to do first (Pay now, Cancel order), then the way back to the list.
    components: [...(unpaid ? [unpaidOrderRow(d, page, payUrl)] : []), row(button(customId('orders:page', page), 'Back to orders'))],
  };
}

export const ordersCommands: CommandRoutes = {
  orders: { run: async (ctx) => ephemeral(await listPage(ctx, 0)) },
};

export const ordersComponents: ComponentRoutes = {
  'orders:page': { kind: 'component', run: async (ctx, [page]) => update(await listPage(ctx, page)) },
  'orders:detail': { kind: 'component', run: async (ctx, [orderId, page]) => update(await orderDetail(ctx, orderId, page)) },
};
