// The order and shipping state machines, as data, and the ONE function that changes an order's status
// (transitionOrder): confirm, reject, cancel, update, refund and delete all call it, so "where does an
// order's status change?" has one answer, and a change the table does not allow cannot be written. Each
// allowed transition names the one operation that performs it, so the admin panel's generic update can
// delegate (PAID -> payments.confirm, CANCELLED -> cancel) and refuse what only a refund may do.
import type { Order, OrderStatus, Prisma, ShippingStatus } from '../../generated/prisma/index.js';
import type { Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';

/** Which use case performs a transition. */
export type TransitionVia =
  /** payments.confirm (/payment-confirm, the approve button, "mark as paid" in the panel). */
  | 'confirm'
  /**
   * orderAdmin.cancel (also payments.reject): releases reserved stock. A PAID order (not yet fulfilling)
   * is cancelled with a full refund first: money back, stock back, roles revoked.
   */
  | 'cancel'
  /** refunds.refund only: the status follows the refunded total. */
  | 'refund'
  /** orderAdmin.update: a plain fulfilment step. */
  | 'update';

export interface Transition<S extends string> {
  to: S;
  via: TransitionVia;
}

const refund = [
  { to: 'PARTIALLY_REFUNDED', via: 'refund' },
  { to: 'REFUNDED', via: 'refund' },
] as const satisfies readonly Transition<OrderStatus>[];

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly Transition<OrderStatus>[]>> = {
  PENDING_PAYMENT: [
    { to: 'PAID', via: 'confirm' },
    { to: 'CANCELLED', via: 'cancel' },
  ],
  // Spec 000: CANCELLED is "cancelled before fulfillment", paid or not.
  PAID: [
    { to: 'FULFILLING', via: 'update' },
    { to: 'SHIPPED', via: 'update' },
    { to: 'COMPLETE', via: 'update' },
    { to: 'CANCELLED', via: 'cancel' },
    ...refund,
  ],
  FULFILLING: [{ to: 'SHIPPED', via: 'update' }, { to: 'COMPLETE', via: 'update' }, ...refund],
  SHIPPED: [{ to: 'COMPLETE', via: 'update' }, ...refund],
  COMPLETE: [...refund],
  // Fulfilment of a partially refunded order goes on through shippingStatus; its status tracks the money.
  PARTIALLY_REFUNDED: [...refund],
  CANCELLED: [],
  REFUNDED: [],
};

export const SHIPPING_TRANSITIONS: Readonly<Record<ShippingStatus, readonly ShippingStatus[]>> = {
  PENDING: ['LABEL_CREATED', 'SHIPPED', 'FAILED'],
  LABEL_CREATED: ['PENDING', 'SHIPPED', 'FAILED'],
  SHIPPED: ['DELIVERED', 'FAILED'],
  DELIVERED: ['FAILED'],
  // Delivery failed or the parcel came back: it can be relabelled or shipped again.
  FAILED: ['PENDING', 'LABEL_CREATED', 'SHIPPED'],
};

/** Order statuses in which money was taken and not yet fully returned: refunds and shipping apply. */
export const PAID_STATUSES: readonly OrderStatus[] = ['PAID', 'FULFILLING', 'SHIPPED', 'COMPLETE', 'PARTIALLY_REFUNDED'];

export function findTransition(from: OrderStatus, to: OrderStatus): Transition<OrderStatus> | undefined {
  return ORDER_TRANSITIONS[from].find((t) => t.to === to);
}

const label = (o: Pick<Order, 'number'>) => `#${o.number}`;

/** Refuses a status change the table does not allow, or allows only through another operation. */
export function assertTransition(order: Pick<Order, 'status' | 'number'>, to: OrderStatus, via: TransitionVia): void {
  const t = findTransition(order.status, to);
  if (t && t.via === via) return;
  const allowed = ORDER_TRANSITIONS[order.status].map((x) => x.to);
  if (t?.via === 'refund') {
    throw new AppError('INVALID_TRANSITION', `Order ${label(order)} becomes ${to} only through a refund.`, { from: order.status, to });
  }
  if (to === 'CANCELLED' && PAID_STATUSES.includes(order.status)) {
    throw new AppError(
      'INVALID_TRANSITION',
      `Order ${label(order)} is ${order.status}: once fulfilment has started it is no longer cancelled but refunded.`,
      { from: order.status, to, allowed },
    );
  }
  throw new AppError(
    'INVALID_TRANSITION',
    `Order ${label(order)} cannot go from ${order.status} to ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}.`,
    { from: order.status, to, allowed, via },
  );
}

/**
 * The one write of an order's status: checks the transition against the table (INVALID_TRANSITION
 * otherwise) and writes it with `data` (the columns that move with it: paidAt, cancelledAt, the refunded
 * total...). The caller holds the order's row lock (order-lock.ts) and does the operation's other work
 * (payments, stock, roles, events, audit) in the same transaction.
 */
export async function transitionOrder(
  tx: Tx,
  order: Order,
  to: OrderStatus,
  via: TransitionVia,
  data: Omit<Prisma.OrderUpdateInput, 'status'> = {},
): Promise<Order> {
  assertTransition(order, to, via);
  return tx.order.update({ where: { id: order.id }, data: { ...data, status: to } });
}

/**
 * Deleting an order is allowed in every status (spec 000: "permanently removes the order record"); it is
 * the last transition, and written here too so status changes stay in one file.
 */
export async function deleteOrderRow(tx: Tx, order: Pick<Order, 'id'>): Promise<void> {
  await tx.order.delete({ where: { id: order.id } });
}

export function canShip(from: ShippingStatus, to: ShippingStatus): boolean {
  return SHIPPING_TRANSITIONS[from].includes(to);
}

/**
 * What a shipping change does to the order status: handing the parcel over moves a PAID or FULFILLING
 * order to SHIPPED; delivery completes a PAID, FULFILLING or SHIPPED order. Other statuses stay.
 */
export function orderStatusAfterShipping(status: OrderStatus, shipping: ShippingStatus): OrderStatus {
  if (shipping === 'SHIPPED' && (status === 'PAID' || status === 'FULFILLING')) return 'SHIPPED';
  if (shipping === 'DELIVERED' && (status === 'PAID' || status === 'FULFILLING' || status === 'SHIPPED')) return 'COMPLETE';
  return status;
}

/**
 * The statuses an order edit may set from `from`: the current one and every transition the update
 * performs (itself, or by delegating to confirm / cancel). Refund transitions are left out: only the
 * refund action makes them. The admin panel offers exactly these in its edit form.
 */
export function editableOrderStatuses(from: OrderStatus): OrderStatus[] {
  return [from, ...ORDER_TRANSITIONS[from].filter((t) => t.via !== 'refund').map((t) => t.to)];
}

/** The shipping statuses an edit may set from `from`: the current one and its allowed next ones. */
export function editableShippingStatuses(from: ShippingStatus): ShippingStatus[] {
  return [from, ...SHIPPING_TRANSITIONS[from]];
}
