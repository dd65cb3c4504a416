// What an order was when it was deleted: the snapshot the delete's audit entry keeps (delete-order.command.ts,
// action order.deleted: the order row with its items, payments, refunds, reservations and entitlements). For work
// that runs after the delete and must still say what happened before it: an outgoing webhook for an event that
// committed before the order went (docs/decisions/outgoing-webhooks.md).
import type { Order, Payment, Refund } from '../../generated/prisma/index.js';
import type { Db } from '../../platform/db/prisma.js';

/** The order's row without its personal fields (the customer's notes and address: erasure scrubs them), its payments and refunds. */
export type DeletedOrderSnapshot = Omit<Order, PersonalOrderField> & { payments: Payment[]; refunds: Refund[] };
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
  return snapshot as DeletedOrderSnapshot;
}
