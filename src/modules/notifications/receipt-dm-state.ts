// Where an order's receipt DM (order.paid's discord-notify job: adapters/discord/notifications/order-notifications.ts)
// stands, for the invoice page, which says so to the customer instead of promising a DM that may never come:
// - sent: its delivery is recorded (notification_deliveries, kept DELIVERY_RECORD_KEEP_MS) or the DM itself is
//   (sent_direct_messages, kept until the customer's erasure edits it);
// - not-sent: Discord refused it for good (DMs closed, 50007, or any other refusal that is not retried: 10013 Unknown
//   User, 50001 Missing Access...), or the customer's DMs were known closed, and it was kept as a missed notice
//   (dm-status.service.ts);
// - sending: neither, and its job is still to run (waiting, retrying or running);
// - unknown: none of these (the job ran out of attempts, or the records of a DM sent long ago are gone): the page
//   promises nothing and is the receipt.
// One statement of index reads (notification_deliveries' key, sent_direct_messages' and missed_notices' orderId, the
// job's task and payload).
import { Prisma, type Db } from '../../platform/db/prisma.js';
import { jobWaitingSql } from '../../platform/jobs/job-waiting.js';
import { dmDeliveryKey } from './delivery-log.js';

export type ReceiptDmState = 'sending' | 'sent' | 'not-sent' | 'unknown';

/** The DmKind of the receipt (order-notifications.ts). */
const RECEIPT_KIND = 'order-paid';

/** The receipt's job: order.paid's discord-notify subscriber (queue.ts names a subscriber's task `event>subscriber`). */
const RECEIPT_TASK = 'order.paid>discord-notify';

export interface ReceiptDms {
  /** Where the receipt DM of the tenant's order stands (see the file's head). */
  stateOf(tenantId: string, orderId: string): Promise<ReceiptDmState>;
}

export function createReceiptDms(deps: { db: Db }): ReceiptDms {
  const { db } = deps;
  return {
    async stateOf(tenantId, orderId) {
      const [row] = await db.$queryRaw<{ sent: boolean; missed: boolean; waiting: boolean }[]>(Prisma.sql`
        SELECT
          EXISTS (SELECT 1 FROM notification_deliveries WHERE key = ${dmDeliveryKey(RECEIPT_KIND, orderId)})
            OR EXISTS (SELECT 1 FROM sent_direct_messages WHERE "orderId" = ${orderId} AND "tenantId" = ${tenantId} AND kind = ${RECEIPT_KIND})
            AS sent,
          EXISTS (SELECT 1 FROM missed_notices WHERE "orderId" = ${orderId} AND "tenantId" = ${tenantId} AND kind = ${RECEIPT_KIND})
            AS missed,
          ${jobWaitingSql(RECEIPT_TASK, 'orderId', Prisma.sql`${orderId}::text`)} AS waiting`);
      if (row?.sent) return 'sent';
      if (row?.missed) return 'not-sent';
      return row?.waiting ? 'sending' : 'unknown';
    },
  };
}
