// Entitlements: the Discord roles a paid order gives its customer. Rows are written inside the order's
// transaction and each one enqueues a role job in that same transaction (see role-jobs.ts), so a role
// change exists if and only if the order change committed.
// "Now" here is the database's (platform/db/database-now.ts), read once per transaction, as timed-access.ts's jobs
// read it: whether the customer's current access still runs (a renewal starts at its end, else now), whether its
// reminder is still ahead, and a revoke's revokedAt. The service takes no Clock.
import type { Entitlement } from '../../generated/prisma/index.js';
import { databaseNow } from '../../platform/db/database-now.js';
import type { Db, Tx } from '../../platform/db/prisma.js';
import { enqueueRoleGrant, enqueueRoleRevoke } from './role-changes.js';
import { accessEnd, currentAccessEnd, scheduleAccessJobs } from './timed-access.js';
import type { DigitalGoods } from './digital-goods.js';

export interface EntitlementService {
  /**
   * Grants every role of every product on the order (one row per order, product and role) and enqueues
   * entitlement.grant for each new row. Idempotent: rows that already exist are left alone, no job.
   */
  grantForOrder(tx: Tx, args: { tenantId: string; orderId: string }): Promise<Entitlement[]>;
  /**
   * Revokes the order's GRANTED entitlements for `productIds` (all products when omitted) and enqueues
   * entitlement.revoke for each. The job keeps the Discord role when another GRANTED entitlement of the
   * same customer still gives it.
   */
  revokeForOrder(tx: Tx, args: { tenantId: string; orderId: string; productIds?: string[]; reason: string }): Promise<Entitlement[]>;
  listForOrder(tenantId: string, orderId: string): Promise<Entitlement[]>;
}

/** `digital`: licence keys and download links delivered with the roles (digital-goods.ts). */
export function createEntitlementService(deps: { db: Db; digital?: DigitalGoods }): EntitlementService {
  return {
    async grantForOrder(tx, { tenantId, orderId }) {
      const order = await tx.order.findFirstOrThrow({
        where: { id: orderId, tenantId },
        select: { id: true, customerId: true, guildId: true, items: { select: { productId: true } } },
      });
      await deps.digital?.deliverForOrder(tx, { tenantId, orderId });
      const products = await tx.product.findMany({
        where: { tenantId, id: { in: order.items.map((i) => i.productId) } },
        select: { id: true, grantedRoleIds: true, accessDays: true },
      });
      const timed = products.filter((p) => p.accessDays && p.grantedRoleIds.length > 0);
      // By the database's clock, the one the access's expiry judges its end by: an end it counts as past is not
      // still running (a renewal from it would lose the time between), nor one it counts as ahead ended.
      const now = timed.length ? await databaseNow(tx) : null;
      // Two payments of the same customer at once must not both extend from the same end: the customer's
      // row lock puts them one after the other.
      if (timed.length)
        await tx.$executeRaw`SELECT 1 FROM customers WHERE id = ${order.customerId} AND "tenantId" = ${tenantId} FOR UPDATE`;
      const endsAt = new Map<string, Date>();
      for (const p of timed) {
        endsAt.set(
          p.id,
          accessEnd(now!, p.accessDays!, await currentAccessEnd(tx, { tenantId, customerId: order.customerId, productId: p.id })),
        );
      }
      const rows = products.flatMap((p) =>
        [...new Set(p.grantedRoleIds)].map((roleId) => ({
          tenantId,
          customerId: order.customerId,
          productId: p.id,
          roleId,
          orderId,
          endsAt: endsAt.get(p.id) ?? null,
        })),
      );
      if (rows.length === 0) return [];
      // skipDuplicates + RETURNING gives back only the rows created now, so a repeat enqueues nothing.
      const created = await tx.entitlement.createManyAndReturn({ data: rows, skipDuplicates: true });
      for (const productId of new Set(created.filter((e) => e.endsAt).map((e) => e.productId))) {
        await scheduleAccessJobs(tx, { tenantId, orderId, productId, endsAt: endsAt.get(productId)!, now: now! });
      }
      for (const ent of created) await enqueueRoleGrant(tx, ent, order.guildId);
      return created;
    },

    async revokeForOrder(tx, { tenantId, orderId, productIds, reason }) {
      const order = await tx.order.findFirstOrThrow({ where: { id: orderId, tenantId }, select: { guildId: true } });
      await deps.digital?.revokeForOrder(tx, { tenantId, orderId, productIds });
      const granted = await tx.entitlement.findMany({
        where: { tenantId, orderId, status: 'GRANTED', ...(productIds ? { productId: { in: productIds } } : {}) },
      });
      if (granted.length === 0) return [];
      // The database's now, as the access's expiry dates its revoke.
      const revokedAt = await databaseNow(tx);
      await tx.entitlement.updateMany({
        where: { id: { in: granted.map((e) => e.id) }, status: 'GRANTED' },
        data: { status: 'REVOKED', revokedAt },
      });
      for (const ent of granted) {
        await enqueueRoleRevoke(tx, {
          tenantId,
          entitlementId: ent.id,
          customerId: ent.customerId,
          roleId: ent.roleId,
          orderId,
          productId: ent.productId,
          guildId: order.guildId,
          reason,
        });
      }
      return granted.map((e) => ({ ...e, status: 'REVOKED' as const, revokedAt }));
    },

    async listForOrder(tenantId, orderId) {
      return deps.db.entitlement.findMany({ where: { tenantId, orderId }, orderBy: [{ grantedAt: 'asc' }, { id: 'asc' }] });
    },
  };
}
