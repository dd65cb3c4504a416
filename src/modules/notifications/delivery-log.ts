// Which Discord messages were delivered, by what they are about, so a notification job that runs again (its
// worker died after sending, before the job was marked done) does not send the message twice where we can
// tell. Two layers, because "sent" and "recorded" cannot be one atomic step with a remote API:
// - the record: checked before sending, written right after Discord accepted the message;
// - Discord's own de-duplication for the gap between the two: each message carries a nonce derived from
//   its key with enforce_nonce, so Discord returns the existing message instead of creating a second one
//   when the same nonce is sent again within a few minutes.
// A direct message's ids are recorded in the same statement as its delivery (sent-dms.ts), so a DM is never
// recorded as delivered without them: erasing the customer's data later edits it.
// Both are plain SQL (prepared statements on the plain-SQL client when given): every notification job makes
// both calls, and through Prisma each cost about a millisecond of the worker's CPU in the query compiler.
import { createHash } from 'node:crypto';
import { Prisma, withTransaction, type Db } from '../../platform/db/prisma.js';
import { executeSql, queryRows, type SqlClient } from '../../platform/db/sql.js';
import type { EventBus } from '../../platform/jobs/queue.js';
import { lockCustomerSql, recordDeliveredDmSql, type SentDm } from './sent-dms.js';

/**
 * How long a delivery is remembered: far past the last retry of a notification job (graphile-worker's backoff
 * spreads 25 attempts over about three days). Housekeeping deletes older records (container.ts).
 */
export const DELIVERY_RECORD_KEEP_MS = 30 * 24 * 3600_000;

export interface DeliveryLog {
  wasDelivered(key: string): Promise<boolean>;
  /** Records `key` as delivered, and with it the direct message `dm` when it was one (one statement: both or neither). */
  recordDelivered(key: string, dm?: SentDm): Promise<void>;
}

export function createDeliveryLog(deps: { db: Db; sql?: SqlClient; bus: EventBus }): DeliveryLog {
  const target = deps.sql ?? deps.db;
  return {
    async wasDelivered(key) {
      const rows = await queryRows<{ found: number }>(
        target,
        Prisma.sql`SELECT 1 AS found FROM notification_deliveries WHERE key = ${key}`,
      );
      return rows.length > 0;
    },
    async recordDelivered(key, dm) {
      // "sentAt" is a timestamp without time zone holding UTC, as Prisma writes it (not the column's local-time default).
      const delivered = Prisma.sql`INSERT INTO notification_deliveries (key, "sentAt") VALUES (${key}, now() AT TIME ZONE 'UTC') ON CONFLICT (key) DO NOTHING`;
      if (!dm) {
        await executeSql(target, delivered);
        return;
      }
      // One transaction: the customer's row held first (an erasure in progress is waited for, then seen), then one
      // statement writing the delivery and the DM's ids together or not at all (sent-dms.ts).
      const record = async (tx: Parameters<typeof queryRows>[0]) => {
        await queryRows(tx, lockCustomerSql(dm));
        await queryRows(tx, recordDeliveredDmSql(deps.bus, delivered, dm));
      };
      await (deps.sql ? deps.sql.transaction(record) : withTransaction(deps.db, record));
    },
  };
}

/** The delivery key of a DM of kind `what` (a DmKind) about `about` (an order id, or what the kind names): sent once per key. */
export function dmDeliveryKey(what: string, about: string): string {
  return `dm:${what}:${about}`;
}

/** Discord's message nonce (at most 25 characters) for a delivery key. */
export function deliveryNonce(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 25);
}
