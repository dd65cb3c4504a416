// The order and shipping state machines, as data. Each allowed transition names the one operation that
// performs it, so the admin panel's generic update can delegate (PAID -> payments.confirm, CANCELLED ->
// cancel) and refuse what only a refund may do.
import type { OrderStatus, ShippingStatus } from '../../generated/prisma/index.js';

/** Which use case performs a transition. */
export type TransitionVia =
  /** payments.confirm (/payment-confirm, the approve button, "mark as paid" in the panel). */
  | 'confirm'
  /** orderAdmin.cancel (also payments.reject): releases reserved stock. */
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
  PAID: [{ to: 'FULFILLING', via: 'update' }, { to: 'SHIPPED', via: 'update' }, { to: 'COMPLETE', via: 'update' }, ...refund],
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
