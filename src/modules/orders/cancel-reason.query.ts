// Why an order was cancelled, as its cancel recorded it: the order.cancelled audit entry (cancel-unpaid.ts writes its
// reason and the shop's note). The order row keeps no reason, so a refresh of the admin post for a later cause (a
// by-hand return ticked sent) reads it here and says what the cancel's own refresh said ("Expired: not paid in time").
import { z } from 'zod';
import type { Db, Tx } from '../../platform/db/prisma.js';
import { CANCEL_REASONS } from '../shared/events.js';

const cancelEntry = z.object({ reason: z.enum(CANCEL_REASONS), note: z.string().nullish() });

export type CancelReason = { reason: (typeof CANCEL_REASONS)[number]; note?: string };

/** The order's last cancel's reason and note, or null (not cancelled through cancel-unpaid.ts, or no entry kept). */
export async function cancelReasonOf(db: Db | Tx, tenantId: string, orderId: string): Promise<CancelReason | null> {
  const entry = await db.auditLog.findFirst({
    where: { tenantId, entityType: 'Order', entityId: orderId, action: 'order.cancelled' },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { after: true },
  });
  const parsed = cancelEntry.safeParse(entry?.after);
  if (!parsed.success) return null;
  return { reason: parsed.data.reason, ...(parsed.data.note ? { note: parsed.data.note } : {}) };
}
