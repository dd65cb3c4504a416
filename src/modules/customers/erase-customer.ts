// "Erase personal data" of one customer (a GDPR/CCPA erasure request), keeping the shop's books. What is
// erased and what is kept, and why, is docs/decisions/personal-data.md; ERASED and KEPT below are the words the
// panel's confirmation and the audit entry use, so the three say the same.
import type { Customer } from '../../generated/prisma/index.js';
import type { Clock } from '../../platform/clock.js';
import { Prisma, withTransaction, type Db, type Tx } from '../../platform/db/prisma.js';
import { AppError, notFound } from '../../platform/errors.js';
import { orderLaneJobPendingSql } from '../../platform/jobs/lanes.js';
import { addJobsSql, type EventBus } from '../../platform/jobs/queue.js';
import { EVENTS } from '../shared/events.js';
import type { AuditService } from '../audit/audit.service.js';
import type { TenantContext } from '../shared/actor.js';
import { whyAddressIsStillNeeded } from './erase-blockers.js';

export const ERASED = [
  'the customer\'s Discord username and display name (replaced by "Erased customer #…")',
  'their saved addresses',
  'their open order session (an order in progress in Discord)',
  'the street, city and recipient name of every order of theirs (country, state and ZIP stay for sales tax)',
  'their orders’ notes',
  'missed-DM copies kept for them',
  'the name they acted under as one of the shop’s Discord admins, if they were one (their actions are then named by Discord user id)',
  'names, addresses and notes in the audit trail of the customer, their orders and addresses',
  'street and city in the stored copies of TaxJar filings',
  'the name and address in the bot’s order messages in the shop’s admin channel (edited shortly after)',
  'the bot’s direct messages to the customer (edited shortly after to the order number and “details removed at your request”)',
] as const;

export const KEPT = [
  'orders, their lines, amounts, payments and refunds (the shop’s books)',
  'the Discord user id (granted Discord roles must still be revoked on a refund or expiry)',
  'country, state and ZIP of each order (sales-tax reports and TaxJar filings need them)',
] as const;

/** Keys removed from audit entries' before/after: the values of names, addresses and free text. */
const AUDIT_PERSONAL_KEYS = [
  'displayName',
  'username',
  'name',
  'line1',
  'line2',
  'city',
  'notes',
  'note',
  'shippingAddress',
  'pendingAddress',
  'reviewedQuote',
];

export interface ErasureResult {
  customer: Customer;
  orders: number;
  addressesDeleted: number;
  sessionsDeleted: number;
}

/** "Erased customer #1a2b3c4d": the first 8 characters after the id's prefix. */
export function erasedName(customerId: string): string {
  return `Erased customer #${customerId.replace(/^cus_/, '').slice(0, 8)}`;
}

/**
 * Whether the customer's personal data is erased (and they have not come back since: their next interaction
 * writes their Discord names again). The views show the placeholder then, not a mention Discord would show
 * their name for.
 */
export function isErased(customer: { id: string; username: string | null; displayName: string | null }): boolean {
  return customer.username === null && customer.displayName === erasedName(customer.id);
}

/** isErased as an SQL condition on the customers row `alias` (for a statement that must see it in its own snapshot). */
export function erasedSql(alias: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${alias}.username IS NULL AND ${alias}."displayName" = 'Erased customer #' || left(regexp_replace(${alias}.id, '^cus_', ''), 8))`;
}

/**
 * The customer's row held (FOR SHARE) until the transaction ends, and whether they are erased by then: one row
 * `{ erased }`, none when the customer is not the tenant's. Run first by a write that keeps something of a customer
 * composed before it (a DM's record, a missed notice): an erasure holding the row (FOR UPDATE) is waited for and then
 * seen, and one that comes later waits for the write and sees what it kept. One of the two always sees the other.
 */
export function holdCustomerSql(tenantId: string, customerId: string): Prisma.Sql {
  return Prisma.sql`SELECT ${erasedSql(Prisma.sql`c`)} AS erased FROM customers c WHERE c.id = ${customerId} AND c."tenantId" = ${tenantId} FOR SHARE`;
}

const scrubbed = (column: 'before' | 'after') =>
  Prisma.sql`CASE WHEN jsonb_typeof(${Prisma.raw(`"${column}"`)}) = 'object'
    THEN ${Prisma.raw(`"${column}"`)} - ${AUDIT_PERSONAL_KEYS}::text[] ELSE ${Prisma.raw(`"${column}"`)} END`;

/**
 * In one transaction under the customer's row lock: erases what ERASED lists and records "customer.erased"
 * in the audit trail (what was erased, never the values), and schedules the edit of the customer's order messages in
 * the shop's admin channel (editAdminMessages) and of the bot's DMs to them (editDirectMessages). Throws NOT_FOUND when the customer is not the
 * tenant's; CONFLICT, with nothing written, while an order still needs the address (erase-blockers.ts).
 * The order flow does not take the customer's lock: the open session is deleted first (waiting for a step or
 * a submit that holds it), then the customer locked (a new session waits for it), and the orders read after
 * both, so an order submitted meanwhile is seen.
 */
export async function eraseCustomer(
  deps: { db: Db; clock: Clock; audit: AuditService; bus: EventBus },
  ctx: TenantContext,
  customerId: string,
): Promise<ErasureResult> {
  const { tenantId } = ctx;
  return withTransaction(deps.db, async (tx: Tx) => {
    // The open session first, then the customer: the order a submit places takes the customer's row (FOR KEY
    // SHARE, its foreign key) after the session's, so taking them in that order too cannot deadlock with it.
    const endSessions = () => tx.$queryRaw<{ id: string }[]>`
      DELETE FROM order_sessions WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND "activeSlot" IS NOT NULL
      RETURNING id`;
    const ended = await endSessions();
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM customers WHERE id = ${customerId} AND "tenantId" = ${tenantId} FOR UPDATE`;
    if (!locked[0]) throw notFound('Customer', customerId, { customerId });
    // A session opened between the two (/order again) waited for nothing: ended too, now that none can start.
    const sessions = [...ended, ...(await endSessions())];
    await tx.$executeRaw`
      UPDATE order_sessions SET "reviewedQuote" = NULL, "pendingAddress" = NULL
      WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND ("reviewedQuote" IS NOT NULL OR "pendingAddress" IS NOT NULL)`;
    const addresses = await tx.$queryRaw<{ id: string }[]>`
      DELETE FROM addresses WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} RETURNING id`;

    const blocker = await whyAddressIsStillNeeded(tx, tenantId, customerId);
    if (blocker) throw new AppError('CONFLICT', `The customer's personal data was not erased. ${blocker}`);

    const now = deps.clock.now();
    const [customer] = await tx.$queryRaw<Customer[]>`
      UPDATE customers SET username = NULL, "displayName" = ${erasedName(customerId)}, "displayNameSetByAdminAt" = NULL,
        "updatedAt" = ${now}
      WHERE id = ${customerId} RETURNING *`;
    // Posted, or its post still in the shop's lane (it may have read the order before this erasure): the edit, behind it
    // in the lane, then finds the message id it records.
    const postPending = orderLaneJobPendingSql(Prisma.sql`orders."tenantId"`, EVENTS.orderCreated, Prisma.sql`orders.id`);
    const orders = await tx.$queryRaw<{ id: string; adminMessage: boolean }[]>`
      UPDATE orders SET notes = NULL, "updatedAt" = ${now},
        "shippingAddress" = CASE WHEN "shippingAddress" IS NULL OR jsonb_typeof("shippingAddress") <> 'object' THEN "shippingAddress"
          ELSE jsonb_strip_nulls(jsonb_build_object('country', "shippingAddress"->'country', 'state', "shippingAddress"->'state',
            'postalCode', "shippingAddress"->'postalCode')) END
      WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId}
      RETURNING id, ("adminMessageId" IS NOT NULL OR ${postPending}) AS "adminMessage"`;
    const orderIds = orders.map((o) => o.id);
    const addressIds = addresses.map((a) => a.id);
    if (orderIds.length) {
      await tx.$executeRaw`
        UPDATE tax_transactions SET payload = payload - 'to_street' - 'to_city'
        WHERE "tenantId" = ${tenantId} AND "orderId" = ANY(${orderIds}::text[]) AND jsonb_typeof(payload) = 'object'`;
    }
    await tx.$executeRaw`DELETE FROM missed_notices WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId}`;
    // Their Discord name as the shop's admin (audit/actor-names.ts): the same person's name, kept by their user id.
    await tx.$executeRaw`
      DELETE FROM discord_admin_names WHERE "tenantId" = ${tenantId} AND "discordUserId" = ${customer!.discordUserId}`;
    await tx.$executeRaw`
      UPDATE audit_logs SET "before" = ${scrubbed('before')}, "after" = ${scrubbed('after')}
      WHERE "tenantId" = ${tenantId} AND (
        ("entityType" = 'Customer' AND "entityId" = ${customerId})
        OR ("entityType" = 'Order' AND "entityId" = ANY(${orderIds}::text[]))
        -- Their orders deleted before: the rows are gone, not the trail (the delete's snapshot, earlier edits).
        OR ("entityType" = 'Order' AND "entityId" IN (
          SELECT d."entityId" FROM audit_logs d WHERE d."tenantId" = ${tenantId} AND d."entityType" = 'Order'
            AND d.action = 'order.deleted' AND d."before"->>'customerId' = ${customerId}))
        OR ("entityType" = 'Address' AND "entityId" = ANY(${addressIds}::text[])))`;

    await editAdminMessages(
      tx,
      deps.bus,
      orders.filter((o) => o.adminMessage).map((o) => o.id),
    );
    await editDirectMessages(tx, deps.bus, tenantId, customerId);

    await deps.audit.record(tx, ctx, {
      action: 'customer.erased',
      entityType: 'Customer',
      entityId: customerId,
      after: { erased: ERASED, kept: KEPT, orders: orderIds.length, addressesDeleted: addressIds.length, sessionsDeleted: sessions.length },
    });
    return { customer: customer!, orders: orderIds.length, addressesDeleted: addressIds.length, sessionsDeleted: sessions.length };
  });
}

/**
 * order.personal_data_erased for each order whose admin-channel message was posted (or whose post is still in the
 * lane), in the erasure's transaction: its subscriber edits that message to the erased order, and it exists if and
 * only if the erasure commits. One statement: one add_jobs call per order, each a row of the shop's admin-channel lane, so the edits go one at a
 * time at the channel's pace however many orders there are (docs/decisions/personal-data.md). An order never
 * posted needs none (no channel then, or its post gave up: a retried post reads the order when it runs).
 */
async function editAdminMessages(tx: Tx, bus: EventBus, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return;
  const specs = bus.jobSpecsSql(EVENTS.orderPersonalDataErased, Prisma.sql`json_build_object('tenantId', o."tenantId", 'orderId', o.id)`);
  const jobs = addJobsSql(specs, Prisma.sql`(SELECT "tenantId", id FROM orders WHERE id = ANY(${orderIds}::text[]) ORDER BY number) o`);
  await tx.$queryRaw`WITH jobs AS (${jobs}) SELECT count(*)::int AS n FROM jobs`;
}

/**
 * direct_message.personal_data_erased for each DM the bot sent the customer (notifications/sent-dms.ts records them),
 * in the erasure's transaction and in the order they were sent: its subscriber edits the DM to a placeholder and
 * forgets the row (docs/decisions/erased-customer-dms.md). A DM whose edit is still pending from an earlier erasure
 * gets a second job, which finds the row gone or edits it to the same words.
 */
async function editDirectMessages(tx: Tx, bus: EventBus, tenantId: string, customerId: string): Promise<void> {
  const specs = bus.jobSpecsSql(
    EVENTS.directMessagePersonalDataErased,
    Prisma.sql`json_build_object('tenantId', d."tenantId", 'sentDmId', d.id)`,
  );
  if (specs.length === 0) return;
  const dms = Prisma.sql`(SELECT id, "tenantId" FROM sent_direct_messages
    WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} ORDER BY "sentAt", id) d`;
  await tx.$queryRaw`WITH jobs AS (${addJobsSql(specs, dms)}) SELECT count(*)::int AS n FROM jobs`;
}
