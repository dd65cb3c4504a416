// orderAdmin.update: the admin panel's Save. Every field is optional; a field equal to its current value
// is no change. Rules (docs/decisions/order-lifecycle.md):
// - status moves only along ORDER_TRANSITIONS: PAID runs payments.confirm, CANCELLED runs cancel (stock
//   released; a PAID order only with its refund confirmed, `confirmRefundCents`: cancel-refund-consent.ts),
//   REFUNDED/PARTIALLY_REFUNDED are refused (use the Refund action), the rest are plain steps;
// - shippingStatus moves along SHIPPING_TRANSITIONS on a paid order; SHIPPED moves a PAID/FULFILLING order
//   to SHIPPED, DELIVERED completes it;
// - items change only while PENDING_PAYMENT (totals, payment amount and stock follow);
// - trackingNumber, shippingCarrier and notes can always be set;
// - with `shown` (the values the panel's edit form showed), a field posted as shown is no change, whatever the
//   order holds now, and a field changed both in the form and on the order since is refused (CONFLICT):
//   a stale form never undoes what the API or a colleague did meanwhile (platform/form-edits.ts). The lines are
//   such a field too (`shown.items`): the form posts the whole list, which put back lines changed since.
// Everything happens in one transaction under the order's row lock, with an audit entry per change, and
// the customer's notices (shipped with tracking, delivered) are enqueued in it (shipping-notices.ts).
import { z } from 'zod';
import type { Order, Prisma } from '../../generated/prisma/index.js';
import { OrderStatus, ShippingStatus } from '../../generated/prisma/index.js';
import { withTransaction } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import { confirmLockedOrder } from '../payments/confirm-payment.command.js';
import type { TenantContext } from '../shared/actor.js';
import type { AfterSaleDeps } from '../orders/index.js';
import { cancelLockedOrder, cancelPaidOrder, confirmRefundCents } from './cancel-order.command.js';
import type { CancelRefund } from './cancel-refund-consent.js';
import { editOrderItems } from './edit-order-items.js';
import { requireOrderDetail, type OrderDetail } from '../orders/index.js';
import { lockOrder, orderLabel } from '../orders/index.js';
import {
  canShip,
  findTransition,
  orderStatusAfterShipping,
  PAID_STATUSES,
  SHIPPING_TRANSITIONS,
  transitionOrder,
} from '../orders/index.js';
import { CARRIER_CODES } from '../shipping/carriers.js';
import { formEdits, staleFormRefusal } from '../../platform/form-edits.js';
import { enqueueShippingNotices } from './shipping-notices.js';

/** An empty string clears an optional text field. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));

export const updateOrderInput = z
  .object({
    status: z.enum(OrderStatus).optional(),
    shippingStatus: z.enum(ShippingStatus).optional(),
    trackingNumber: optionalText(120),
    /** A carrier code (modules/shipping/carriers.ts); null or "" clears it. */
    shippingCarrier: z
      .union([z.enum(CARRIER_CODES), z.literal('')])
      .nullable()
      .optional()
      .transform((v) => (v === '' ? null : v)),
    notes: optionalText(5000),
    items: z
      .array(
        z
          .object({ productId: z.string().trim().min(1), quantity: z.number().int().min(1, 'quantity must be at least 1').max(10_000) })
          .strict(),
      )
      .min(1, 'an order needs at least one line')
      .max(100)
      .optional(),
    /** Status CANCELLED of a paid order refunds it: the amount of that refund, as shown to the admin (cancel-refund-consent.ts). */
    confirmRefundCents,
    /** The order's fields as the edit form showed them (stored values: null for empty). */
    shown: z
      .object({
        status: z.enum(OrderStatus),
        shippingStatus: z.enum(ShippingStatus),
        trackingNumber: z.string().nullable(),
        shippingCarrier: z.string().nullable(),
        notes: z.string().nullable(),
        /** The lines as the form showed them; the posted `items` replace them only while the order still has these. */
        items: z.array(z.object({ productId: z.string(), quantity: z.number().int() }).strict()).max(100),
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict();
export type UpdateOrderInput = z.input<typeof updateOrderInput>;

const SHOWN_FIELDS = ['status', 'shippingStatus', 'trackingNumber', 'shippingCarrier', 'notes'] as const;

/** The order after the update; `cancelRefund`: what cancelling the paid order did, when the update did that. */
export type UpdatedOrder = OrderDetail & { cancelRefund?: CancelRefund };

export async function updateOrder(deps: AfterSaleDeps, ctx: TenantContext, orderId: string, raw: unknown): Promise<UpdatedOrder> {
  const parsed = parseInput(updateOrderInput, raw, 'order update');
  const cancelRefund = await withTransaction(deps.db, async (tx) => {
    let made: CancelRefund | undefined;
    let order = await lockOrder(tx, ctx.tenantId, orderId);
    const initial = order;
    const lines = await tx.orderItem.findMany({ where: { orderId } });
    const input = parsed.shown ? changedFromShown(order, lines, parsed, parsed.shown) : parsed;
    // Confirm and cancel write their own audit entries; this one covers what the update itself changed.
    let auditBase = order;

    if (input.items && itemsDiffer(lines, input.items)) {
      order = await editOrderItems(tx, deps, ctx, order, input.items);
    }

    if (input.status && input.status !== order.status) {
      // The table says which operation performs the change (transitionOrder refuses anything else).
      const via = findTransition(order.status, input.status)?.via ?? 'update';
      if (via === 'confirm') auditBase = order = (await confirmLockedOrder(tx, deps, ctx, order)).order;
      else if (via === 'cancel' && order.status === 'PAID') {
        const cancelled = await cancelPaidOrder(tx, deps, ctx, order, { confirmRefundCents: input.confirmRefundCents });
        auditBase = order = cancelled.order;
        made = cancelled.refund;
      } else if (via === 'cancel') auditBase = order = await cancelLockedOrder(tx, deps, ctx, order, { reason: 'admin_cancelled' });
      else order = await transitionOrder(tx, order, input.status, 'update', stepData(order, input.status, input.shippingStatus));
    }

    const data: Prisma.OrderUpdateInput = {};
    if (input.shippingStatus && input.shippingStatus !== order.shippingStatus) {
      if (!PAID_STATUSES.includes(order.status)) {
        throw new AppError(
          order.status === 'PENDING_PAYMENT' ? 'ORDER_NOT_PAID' : 'INVALID_TRANSITION',
          `Order ${orderLabel(order)} is ${order.status}: only paid orders are shipped.`,
          { status: order.status },
        );
      }
      if (!canShip(order.shippingStatus, input.shippingStatus)) {
        const allowed = SHIPPING_TRANSITIONS[order.shippingStatus];
        throw new AppError(
          'INVALID_TRANSITION',
          `Shipping of order ${orderLabel(order)} cannot go from ${order.shippingStatus} to ${input.shippingStatus} (allowed: ${allowed.join(', ')}).`,
          { from: order.shippingStatus, to: input.shippingStatus, allowed },
        );
      }
      data.shippingStatus = input.shippingStatus;
    }
    if (input.trackingNumber !== undefined && input.trackingNumber !== order.trackingNumber) data.trackingNumber = input.trackingNumber;
    if (input.shippingCarrier !== undefined && input.shippingCarrier !== order.shippingCarrier)
      data.shippingCarrier = input.shippingCarrier;
    if (input.notes !== undefined && input.notes !== order.notes) data.notes = input.notes;
    // Handing the parcel over or its delivery moves the order on (a plain fulfilment step of the table).
    const next = input.shippingStatus && data.shippingStatus ? orderStatusAfterShipping(order.status, input.shippingStatus) : order.status;
    if (next !== order.status) order = await transitionOrder(tx, order, next, 'update', data);
    else if (Object.keys(data).length > 0) order = await tx.order.update({ where: { id: orderId }, data });

    const changed = diff(auditBase, order, ['status', 'shippingStatus', 'trackingNumber', 'shippingCarrier', 'notes']);
    const entry = changed
      ? await deps.audit.record(tx, ctx, { action: 'order.updated', entityType: 'Order', entityId: orderId, ...changed })
      : undefined;
    await enqueueShippingNotices(tx, deps, ctx, initial, order, entry?.id);
    return made;
  });
  // The order as the admin surfaces show it after the change: what services.orders.get returns, read after the commit.
  const detail = await requireOrderDetail(deps.db, ctx.tenantId, orderId);
  return cancelRefund ? { ...detail, cancelRefund } : detail;
}

/**
 * The update without the fields posted as the form showed them; CONFLICT when a changed one changed since. `lines`:
 * the order's lines now. Lines posted as shown are no change; changed lines are refused when the order's changed since.
 */
function changedFromShown(
  order: Order,
  lines: { productId: string; quantity: number }[],
  input: z.output<typeof updateOrderInput>,
  shown: NonNullable<z.output<typeof updateOrderInput>['shown']>,
) {
  const { items: shownItems, ...shownFields } = shown;
  const posted = Object.fromEntries(SHOWN_FIELDS.map((k) => [k, input[k]]));
  const { edits, conflicts } = formEdits(posted, shownFields, order);
  let items = input.items;
  if (items && shownItems) {
    if (!itemsDiffer(shownItems, items)) items = undefined;
    else if (itemsDiffer(lines, shownItems)) conflicts.push({ field: 'items', shown: shownItems, now: lines, words: 'line items changed' });
  }
  if (conflicts.length) {
    const { message, fields } = staleFormRefusal(`Order ${orderLabel(order)}`, conflicts);
    throw new AppError('CONFLICT', message, { fields });
  }
  return { ...input, ...Object.fromEntries(SHOWN_FIELDS.map((k) => [k, edits[k]])), items } as typeof input;
}

/** A plain fulfilment step's other columns: marking SHIPPED also marks the parcel shipped unless the update says otherwise. */
function stepData(order: Order, to: OrderStatus, shippingAsked: ShippingStatus | undefined): Prisma.OrderUpdateInput {
  const data: Prisma.OrderUpdateInput = {};
  if (to === 'SHIPPED' && !shippingAsked && canShip(order.shippingStatus, 'SHIPPED')) data.shippingStatus = 'SHIPPED';
  return data;
}

function itemsDiffer(current: { productId: string; quantity: number }[], wanted: { productId: string; quantity: number }[]): boolean {
  const sum = (list: { productId: string; quantity: number }[]) => {
    const by = new Map<string, number>();
    for (const l of list) by.set(l.productId, (by.get(l.productId) ?? 0) + l.quantity);
    return by;
  };
  const have = sum(current);
  const want = sum(wanted);
  if (want.size !== have.size) return true;
  return [...have].some(([productId, quantity]) => want.get(productId) !== quantity);
}

function diff(
  before: Order,
  after: Order,
  keys: (keyof Order)[],
): { before: Record<string, unknown>; after: Record<string, unknown> } | undefined {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of keys) {
    if (before[k] !== after[k]) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : undefined;
}
