// Time-limited access: a product with accessDays grants its roles until endsAt. Paying schedules two jobs
// per (order, product) with graphile-worker's run_at, in the payment's transaction: a reminder
// ACCESS_REMINDER_DAYS before the end and the expiry at the end (no polling loop). Buying the same product
// again starts the new period at the current end, so the customer keeps the days they paid for; the old
// period then expires with the role kept (the revoke job keeps a role another GRANTED entitlement gives).
// Both jobs judge the end by the database's clock (database-now.ts), the one graphile-worker runs them by (their
// run_at): an instance whose own clock was behind found an access the database counted as ended still running,
// and its expiry, queued again at that end, ran again at once, over and over while the clock stayed behind. A job
// that finds the end still ahead (brought forward) schedules itself again for the end.
import { z } from 'zod';
import { databaseNow } from '../../platform/db/database-now.js';
import { withTransaction, type Db, type Tx } from '../../platform/db/prisma.js';
import { enqueueJob, type EventBus } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import { systemActor } from '../shared/actor.js';
import { enqueueRoleRevoke } from './role-changes.js';

const DAY_MS = 24 * 3600_000;
export const ACCESS_REMINDER_DAYS = 3;

export const ACCESS_TASKS = {
  remind: 'entitlement.access_remind',
  expire: 'entitlement.access_expire',
} as const;

/** Events for the customer's DMs (the Discord surface subscribes). */
export const ACCESS_EVENTS = {
  /** Access ends in a few days: how to extend it. */
  ending: 'entitlement.access_ending',
  /** Access ended and the role was removed: how to renew. */
  ended: 'entitlement.access_ended',
} as const;

const accessJobPayload = z.object({ tenantId: z.string(), orderId: z.string(), productId: z.string() });

/** A snapshot for the DM (the entitlement may be gone by the time the DM job runs). */
export const accessNoticePayload = accessJobPayload.extend({
  customerId: z.string(),
  discordUserId: z.string(),
  productName: z.string(),
  endsAt: z.string(),
});
export type AccessNoticePayload = z.infer<typeof accessNoticePayload>;

/** The end of a period of `days` bought at `now`, starting at the current end when that is later. */
export function accessEnd(now: Date, days: number, currentEnd: Date | null): Date {
  const start = currentEnd && currentEnd > now ? currentEnd : now;
  return new Date(start.getTime() + days * DAY_MS);
}

/** The latest end of the customer's GRANTED time-limited access to the product (null: none running). */
export async function currentAccessEnd(tx: Tx, args: { tenantId: string; customerId: string; productId: string }): Promise<Date | null> {
  const agg = await tx.entitlement.aggregate({ where: { ...args, status: 'GRANTED', endsAt: { not: null } }, _max: { endsAt: true } });
  return agg._max.endsAt;
}

/** Schedules the reminder (when still ahead) and the expiry of one order's access to one product, in `tx`. */
export async function scheduleAccessJobs(
  tx: Tx,
  args: { tenantId: string; orderId: string; productId: string; endsAt: Date; now: Date },
): Promise<void> {
  const payload = { tenantId: args.tenantId, orderId: args.orderId, productId: args.productId };
  const key = `${args.orderId}:${args.productId}`;
  const remindAt = new Date(args.endsAt.getTime() - ACCESS_REMINDER_DAYS * DAY_MS);
  if (remindAt > args.now) await enqueueJob(tx, ACCESS_TASKS.remind, payload, { runAt: remindAt, jobKey: `access-remind:${key}` });
  await enqueueJob(tx, ACCESS_TASKS.expire, payload, { runAt: args.endsAt, jobKey: `access-expire:${key}` });
}

/** The jobs read no injected Clock: whether an access has ended is the database's call (see above). */
export function registerTimedAccessJobs(bus: EventBus, deps: { db: Db; audit: AuditService; logger: Logger }): void {
  const running = (tx: Tx | Db, p: z.infer<typeof accessJobPayload>) =>
    tx.entitlement.findMany({
      where: { tenantId: p.tenantId, orderId: p.orderId, productId: p.productId, status: 'GRANTED', endsAt: { not: null } },
      include: { customer: { select: { discordUserId: true } }, product: { select: { name: true } } },
      orderBy: { id: 'asc' },
    });

  bus.registerTask(ACCESS_TASKS.remind, {
    schema: accessJobPayload,
    async run(p) {
      const now = await databaseNow(deps.db);
      const [ent] = await running(deps.db, p);
      if (!ent || ent.endsAt! <= now) return; // refunded, or already at its end (the expiry speaks then)
      await withTransaction(deps.db, async (tx) => {
        // Renewed since: the later period's own reminder will come; nothing to say about this one.
        const latest = await currentAccessEnd(tx, { tenantId: p.tenantId, customerId: ent.customerId, productId: p.productId });
        if (latest && latest > ent.endsAt!) return;
        const notice: AccessNoticePayload = {
          ...p,
          customerId: ent.customerId,
          discordUserId: ent.customer.discordUserId,
          productName: ent.product.name,
          endsAt: ent.endsAt!.toISOString(),
        };
        await bus.emit(tx, ACCESS_EVENTS.ending, notice, { jobKey: `access-ending:${p.orderId}:${p.productId}` });
      });
    },
  });

  bus.registerTask(ACCESS_TASKS.expire, {
    schema: accessJobPayload,
    async run(p) {
      await withTransaction(deps.db, async (tx) => {
        // One `now` for every decision here (ended or not, revokedAt, renewed or not).
        const now = await databaseNow(tx);
        const ents = await running(tx, p);
        if (ents.length === 0) return; // refunded or expired already
        const endsAt = ents[0]!.endsAt!;
        if (endsAt > now) {
          // Not ended yet (the job was brought forward): come back at the end.
          await enqueueJob(tx, ACCESS_TASKS.expire, p, { runAt: endsAt, jobKey: `access-expire:${p.orderId}:${p.productId}` });
          return;
        }
        // Compare-and-set: a refund committing meanwhile revoked them already, and then this does nothing.
        const { count } = await tx.entitlement.updateMany({
          where: { id: { in: ents.map((e) => e.id) }, status: 'GRANTED' },
          data: { status: 'REVOKED', revokedAt: now },
        });
        if (count !== ents.length) throw new Error('entitlements changed while expiring; retrying');
        const ctx = { tenantId: p.tenantId, actor: systemActor };
        const order = await tx.order.findFirst({ where: { id: p.orderId, tenantId: p.tenantId }, select: { guildId: true } });
        for (const ent of ents) {
          await enqueueRoleRevoke(tx, {
            tenantId: p.tenantId,
            entitlementId: ent.id,
            customerId: ent.customerId,
            roleId: ent.roleId,
            orderId: p.orderId,
            productId: p.productId,
            guildId: order?.guildId ?? null,
            reason: `Access to ${ent.product.name} ended`,
          });
          await deps.audit.record(tx, ctx, {
            action: 'entitlement.expired',
            entityType: 'Entitlement',
            entityId: ent.id,
            after: { roleId: ent.roleId, endsAt },
          });
        }
        // Renewed (or also bought for good): the roles stay, so there is nothing to renew.
        const kept = await tx.entitlement.count({
          where: {
            tenantId: p.tenantId,
            customerId: ents[0]!.customerId,
            productId: p.productId,
            status: 'GRANTED',
            OR: [{ endsAt: null }, { endsAt: { gt: now } }],
          },
        });
        if (kept > 0) return;
        const ent = ents[0]!;
        const notice: AccessNoticePayload = {
          ...p,
          customerId: ent.customerId,
          discordUserId: ent.customer.discordUserId,
          productName: ent.product.name,
          endsAt: endsAt.toISOString(),
        };
        await bus.emit(tx, ACCESS_EVENTS.ended, notice, { jobKey: `access-ended:${p.orderId}:${p.productId}` });
      });
      deps.logger.debug({ ...p }, 'timed access expiry checked');
    },
  });
}
