// Which Discord messages were delivered, by what they are about, so a notification job that runs again (its
// worker died after sending, before the job was marked done) does not send the message twice where we can
// tell. Two layers, because "sent" and "recorded" cannot be one atomic step with a remote API:
// - the record: checked before sending, written right after Discord accepted the message;
// - Discord's own de-duplication for the gap between the two: each message carries a nonce derived from
//   its key with enforce_nonce, so Discord returns the existing message instead of creating a second one
//   when the same nonce is sent again within a few minutes.
import { createHash } from 'node:crypto';
import type { Db } from '../../platform/db/prisma.js';

export interface DeliveryLog {
  wasDelivered(key: string): Promise<boolean>;
  recordDelivered(key: string): Promise<void>;
}

export function createDeliveryLog(deps: { db: Db }): DeliveryLog {
  return {
    async wasDelivered(key) {
      return (await deps.db.notificationDelivery.count({ where: { key } })) > 0;
    },
    async recordDelivered(key) {
      await deps.db.notificationDelivery.createMany({ data: [{ key }], skipDuplicates: true });
    },
  };
}

/** Discord's message nonce (at most 25 characters) for a delivery key. */
export function deliveryNonce(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 25);
}
