// Where an order's receipt DM (order.paid's discord-notify job: adapters/discord/notifications/order-notifications.ts)
// stands, for the invoice page, which says so to the customer instead of promising a DM that may never come:
// - sent: its delivery is recorded (notification_deliveries, kept DELIVERY_RECORD_KEEP_MS) or the DM itself is
//   (sent_direct_messages, kept until the customer's erasure edits it);
// - not-sent: Discord refused it (DMs closed, 50007) and it was kept as a missed notice (dm-status.service.ts);
// - sending: neither yet (the job has not run, or is waiting out a retry).
// One statement of three index reads (notification_deliveries' key, sent_direct_messages' and missed_notices' orderId).
import { Prisma, type Db } from '../../platform/db/prisma.js';
import { dmDeliveryKey } from './delivery-log.js';

export type ReceiptDmState = 'sending' | 'sent' | 'not-sent';

/** The DmKind of the receipt (order-notifications.ts). */
const RECEIPT_KIND = 'order-paid';

export interface ReceiptDms {
  /** Where the receipt DM of the tenant's order stands (see the file's head). */
  stateOf(tenantId: string, orderId: string): Promise<ReceiptDmState>;
}

export function createReceiptDms(deps: { db: Db }): ReceiptDms {
  const { db } = deps;
  return {
    async stateOf(tenantId, orderId) {
      const [row] = await db.$queryRaw<{ sent: boolean; missed: boolean }[]>(Prisma.sql`
        SELECT
          EXISTS (SELECT 1 FROM notification_deliveries WHERE key = ${dmDeliveryKey(RECEIPT_KIND, orderId)})
            OR EXISTS (SELECT 1 FROM sent_direct_messages WHERE "orderId" = ${orderId} AND "tenantId" = ${tenantId} AND kind = ${RECEIPT_KIND})
            AS sent,
          EXISTS (SELECT 1 FROM missed_notices WHERE "orderId" = ${orderId} AND "tenantId" = ${tenantId} AND kind = ${RECEIPT_KIND})
            AS missed`);
      if (row?.sent) return 'sent';
      return row?.missed ? 'not-sent' : 'sending';
    },
  };
}
