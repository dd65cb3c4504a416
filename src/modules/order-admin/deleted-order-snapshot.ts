// What an order was when it was deleted: the snapshot the delete's audit entry keeps (delete-order.command.ts,
// action order.deleted: the order row with its items, payments, refunds, reservations and entitlements). For work
// that runs after the delete and must still say what happened before it: an outgoing webhook for an event that
// committed before the order went (docs/decisions/outgoing-webhooks.md); a customer DM that still matters once the
// order is gone (the cancellation, the receipt, the refund, the shipping notice: docs/decisions/jobs.md).
import type { Order, OrderItem, Payment, Refund } from '../../generated/prisma/index.js';
import type { Db } from '../../platform/db/prisma.js';

/**
 * The order's row without its personal fields (the customer's notes and address: erasure scrubs them), its payments and
 * refunds, and its lines (in the order every view lists them, as refunds are in the order they were made).
 */
export type DeletedOrderSnapshot = Omit<Order, PersonalOrderField> & { payments: Payment[]; refunds: Refund[]; items: OrderItem[] };
type PersonalOrderField = 'notes' | 'shippingAddress';
const PERSONAL_ORDER_FIELDS: readonly PersonalOrderField[] = ['notes', 'shippingAddress'];

/** An ISO-8601 instant as JSON.stringify writes a Date (the audit entry's JSON keeps dates so). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The snapshot of the order as deleted, its dates as Dates again; null when it was never deleted through the delete command. */
export async function deletedOrderSnapshot(db: Db, tenantId: string, orderId: string): Promise<DeletedOrderSnapshot | null> {
  const entry = await db.auditLog.findFirst({
    where: { tenantId, entityType: 'Order', entityId: orderId, action: 'order.deleted' },
    orderBy: { createdAt: 'desc' },
    select: { before: true },
  });
  if (!entry?.before || typeof entry.before !== 'object') return null;
  const snapshot = JSON.parse(JSON.stringify(entry.before), (_key, value: unknown) =>
    typeof value === 'string' && INSTANT.test(value) ? new Date(value) : value,
  ) as Partial<DeletedOrderSnapshot> & Partial<Pick<Order, PersonalOrderField>>;
  if (snapshot.id !== orderId || !Array.isArray(snapshot.payments) || !Array.isArray(snapshot.refunds)) return null;
  // Read for what the order was, never for who ordered it: what it says of the customer stays in the audit entry.
  for (const field of PERSONAL_ORDER_FIELDS) delete snapshot[field];
  // The delete read them in no order (its include has no orderBy): in the order the order's detail reads them.
  snapshot.items = [...(snapshot.items ?? [])].sort(inItemOrder);
  snapshot.refunds = [...snapshot.refunds].sort(inCreatedOrder);
  return snapshot as DeletedOrderSnapshot;
}

/** ORDER_ITEMS_ORDER_BY (orders/order-detail.ts): position, then name, then id. */
function inItemOrder(a: OrderItem, b: OrderItem): number {
  return a.position - b.position || compare(a.name, b.name) || compare(a.id, b.id);
}

/** orderDetailInclude's refunds: made first, first (then by id). */
function inCreatedOrder(a: Refund, b: Refund): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || compare(a.id, b.id);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
