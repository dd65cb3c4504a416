// Entitlements: the Discord roles a paid order gives its customer. Rows are written inside the order's
// transaction and each one enqueues a role job in that same transaction (see role-jobs.ts), so a role
// change exists if and only if the order change committed.
import { z } from 'zod';
import type { Entitlement } from '../../generated/prisma/index.js';
import type { Clock } from '../../platform/clock.js';
import type { Db, Tx } from '../../platform/db/prisma.js';
import { enqueueJob } from '../../platform/jobs/queue.js';
import { rolePayload, TASKS } from '../shared/events.js';

/**
 * entitlement.revoke payload: the ids plus a snapshot of what to remove and from whom, because the
 * entitlement row is gone when its order was deleted.
 */
export const roleRevokePayload = rolePayload.extend({
  customerId: z.string(),
  roleId: z.string(),
  orderId: z.string(),
  guildId: z.string().nullable(),
  reason: z.string(),
});
export type RoleRevokePayload = z.infer<typeof roleRevokePayload>;

/** Role jobs of one customer run one at a time, in order, so a removal never overtakes a later grant. */
export function roleQueueName(tenantId: string, customerId: string): string {
  return `roles:${tenantId}:${customerId}`;
}

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

export function createEntitlementService(deps: { db: Db; clock: Clock }): EntitlementService {
  return {
    async grantForOrder(tx, { tenantId, orderId }) {
      const order = await tx.order.findFirstOrThrow({
        where: { id: orderId, tenantId },
        select: { id: true, customerId: true, items: { select: { productId: true } } },
      });
      const products = await tx.product.findMany({
        where: { tenantId, id: { in: order.items.map((i) => i.productId) } },
        select: { id: true, grantedRoleIds: true },
      });
      const rows = products.flatMap((p) =>
        [...new Set(p.grantedRoleIds)].map((roleId) => ({ tenantId, customerId: order.customerId, productId: p.id, roleId, orderId })),
      );
      if (rows.length === 0) return [];
      // skipDuplicates + RETURNING gives back only the rows created now, so a repeat enqueues nothing.
      const created = await tx.entitlement.createManyAndReturn({ data: rows, skipDuplicates: true });
      for (const ent of created) {
        await enqueueJob(tx, TASKS.roleAdd, { tenantId, entitlementId: ent.id }, { queueName: roleQueueName(tenantId, ent.customerId) });
      }
      return created;
    },

    async revokeForOrder(tx, { tenantId, orderId, productIds, reason }) {
      const order = await tx.order.findFirstOrThrow({ where: { id: orderId, tenantId }, select: { guildId: true } });
      const granted = await tx.entitlement.findMany({
        where: { tenantId, orderId, status: 'GRANTED', ...(productIds ? { productId: { in: productIds } } : {}) },
      });
      if (granted.length === 0) return [];
      const revokedAt = deps.clock.now();
      await tx.entitlement.updateMany({ where: { id: { in: granted.map((e) => e.id) }, status: 'GRANTED' }, data: { status: 'REVOKED', revokedAt } });
      for (const ent of granted) {
        const payload: RoleRevokePayload = {
          tenantId,
          entitlementId: ent.id,
          customerId: ent.customerId,
          roleId: ent.roleId,
          orderId,
          guildId: order.guildId,
          reason,
        };
        await enqueueJob(tx, TASKS.roleRemove, payload, { queueName: roleQueueName(tenantId, ent.customerId) });
      }
      return granted.map((e) => ({ ...e, status: 'REVOKED' as const, revokedAt }));
    },

    async listForOrder(tenantId, orderId) {
      return deps.db.entitlement.findMany({ where: { tenantId, orderId }, orderBy: [{ grantedAt: 'asc' }, { id: 'asc' }] });
    },
  };
}
