// The direct messages the bot sent customers (sent_direct_messages): their DM channel and message ids as Discord's
// answer to POST /channels/{channel.id}/messages gave them, so that erasing a customer's personal data can edit
// each one (docs/decisions/erased-customer-dms.md). The row holds ids only, never the message's content.
// - Recorded in the statement that records the DM's delivery (delivery-log.ts), so the two are one: a write that
//   fails leaves neither, the job is retried, and the DM sent again with its nonce is de-duplicated by Discord,
//   which answers with the message already sent (its ids then recorded). Never a second DM, never a sent DM
//   recorded as delivered without its ids.
// - Erasure (customers/erase-customer.ts) emits direct_message.personal_data_erased for each row of the customer;
//   its subscriber edits the message and forgets the row.
// - A DM recorded while or after its customer is erased would be missed by the erasure's list: its recording
//   emits that event itself when the customer is erased by then. The recording's transaction takes the customer's
//   row first (FOR SHARE: lockCustomerSql, customers/erase-customer.ts holdCustomerSql), so an erasure that holds
//   it (FOR UPDATE) is waited for and then seen by the statement after, and one that comes later waits for the
//   record and lists it: one of the two always sees the other. Whatever the DM was composed from: a retried DM, de-duplicated by its nonce, is the message
//   Discord accepted first, which may hold what the customer had before the erasure.
import { Prisma, type Db } from '../../platform/db/prisma.js';
import { addJobsSql, type EventBus } from '../../platform/jobs/queue.js';
import { erasedSql, holdCustomerSql } from '../customers/erase-customer.js';
import { EVENTS } from '../shared/events.js';

/** A DM as sent: who it went to, what it was about, and where Discord keeps it. */
export interface SentDm {
  tenantId: string;
  customerId: string;
  /** The order it was about; null when none (or the order was deleted since). */
  orderId: string | null;
  /** A DmKind (order-shipped, order-paid...). */
  kind: string;
  channelId: string;
  messageId: string;
}

/** The DM's customer, held until the record commits (see the file's head): run first in the recording's transaction. */
export function lockCustomerSql(dm: SentDm): Prisma.Sql {
  return holdCustomerSql(dm.tenantId, dm.customerId);
}

/**
 * One statement, after lockCustomerSql in the same transaction: `delivered` (the delivery's INSERT, delivery-log.ts),
 * the record of `dm` (once per message: a de-duplicated resend records nothing new), and, when the customer is erased
 * by now, its erasure edit. Data-modifying parts must sit at the statement's top WITH, hence one builder for all three.
 */
export function recordDeliveredDmSql(bus: EventBus, delivered: Prisma.Sql, dm: SentDm): Prisma.Sql {
  const specs = bus.jobSpecsSql(
    EVENTS.directMessagePersonalDataErased,
    Prisma.sql`json_build_object('tenantId', r."tenantId", 'sentDmId', r.id)`,
  );
  // "sentAt" is a timestamp without time zone holding UTC, as Prisma writes it.
  const recorded = Prisma.sql`INSERT INTO sent_direct_messages (id, "tenantId", "customerId", "orderId", kind, "channelId", "messageId", "sentAt")
    VALUES ('sdm_' || replace(gen_random_uuid()::text, '-', ''), ${dm.tenantId}, ${dm.customerId}, ${dm.orderId}, ${dm.kind},
      ${dm.channelId}, ${dm.messageId}, now() AT TIME ZONE 'UTC')
    ON CONFLICT ("channelId", "messageId") DO NOTHING RETURNING id, "tenantId", "customerId"`;
  const late = Prisma.sql`(SELECT r.id, r."tenantId" FROM recorded r JOIN customers c ON c.id = r."customerId" AND c."tenantId" = r."tenantId"
    WHERE ${erasedSql(Prisma.sql`c`)}) r`;
  return Prisma.sql`WITH delivered AS (${delivered} RETURNING 1), recorded AS (${recorded}), jobs AS (${addJobsSql(specs, late)})
    SELECT (SELECT count(*) FROM delivered) AS delivered, (SELECT count(*) FROM recorded) AS recorded, (SELECT count(*) FROM jobs) AS late`;
}

/** A recorded DM to edit: where it is, and the words its placeholder may keep (the shop's name, the order's number). */
export interface SentDmToErase {
  id: string;
  customerId: string;
  channelId: string;
  messageId: string;
  shopName: string;
  /** Null when the DM was about no order, or the order was deleted since. */
  orderNumber: number | null;
}

export interface SentDmStore {
  /** The tenant's recorded DM, or null when it is gone (edited and forgotten already, or never the tenant's). */
  find(tenantId: string, id: string): Promise<SentDmToErase | null>;
  /** Forgets the DM once Discord holds nothing personal in it (edited, or no longer there). */
  forget(tenantId: string, id: string): Promise<void>;
}

export function createSentDmStore(deps: { db: Db }): SentDmStore {
  const { db } = deps;
  return {
    async find(tenantId, id) {
      const [row] = await db.$queryRaw<SentDmToErase[]>`
        SELECT d.id, d."customerId", d."channelId", d."messageId", t.name AS "shopName", o.number AS "orderNumber"
        FROM sent_direct_messages d JOIN tenants t ON t.id = d."tenantId"
        LEFT JOIN orders o ON o.id = d."orderId" AND o."tenantId" = d."tenantId"
        WHERE d.id = ${id} AND d."tenantId" = ${tenantId}`;
      return row ?? null;
    },
    async forget(tenantId, id) {
      await db.$executeRaw`DELETE FROM sent_direct_messages WHERE id = ${id} AND "tenantId" = ${tenantId}`;
    },
  };
}
