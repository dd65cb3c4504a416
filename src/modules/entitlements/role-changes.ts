// One place that enqueues a role job: it records the change as PENDING (role_changes) and adds the job, in
// the caller's transaction. The jobs mark the row DONE or FAILED (with Discord's reason in words), so the
// panel can list what did not happen and retry it through the same function.
import { z } from 'zod';
import type { RoleChangeAction } from '../../generated/prisma/index.js';
import type { Db, Tx } from '../../platform/db/prisma.js';
import { enqueueJob, shardOf } from '../../platform/jobs/queue.js';
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

/** How many queues the customers' role jobs are spread over. */
export const ROLE_QUEUES = 64;

/**
 * Role jobs of one customer run one at a time, in order, so a removal never overtakes a later grant: they are
 * always in the same queue, `roles:<shard>`, one of ROLE_QUEUES shared by all customers. Not a queue per
 * customer (`roles:<tenant>:<customer>` until 2026-12-02): graphile-worker's job fetch locks every idle queue
 * row whenever a queued job waits, and a queue's row outlives its jobs, so each customer who ever had a role
 * change made every job fetch of the worker cost more (docs/decisions/admin-channel-lanes.md).
 */
export function roleQueueName(tenantId: string, customerId: string): string {
  return `roles:${shardOf(`${tenantId}:${customerId}`, ROLE_QUEUES)}`;
}

interface EntitlementRef {
  id: string;
  tenantId: string;
  customerId: string;
  orderId: string;
  productId: string;
  roleId: string;
}

const cleared = { state: 'PENDING' as const, failureKind: null, failureMessage: null, discordCode: null };

/** Records a pending grant of the entitlement's role and enqueues entitlement.grant, in `tx`. */
export async function enqueueRoleGrant(tx: Tx, ent: EntitlementRef, guildId: string | null): Promise<void> {
  await tx.roleChange.upsert({
    where: { entitlementId_action: { entitlementId: ent.id, action: 'GRANT' } },
    create: {
      tenantId: ent.tenantId,
      entitlementId: ent.id,
      customerId: ent.customerId,
      orderId: ent.orderId,
      productId: ent.productId,
      roleId: ent.roleId,
      guildId,
      action: 'GRANT',
    },
    update: { ...cleared, guildId },
  });
  await enqueueJob(
    tx,
    TASKS.roleAdd,
    { tenantId: ent.tenantId, entitlementId: ent.id },
    { queueName: roleQueueName(ent.tenantId, ent.customerId) },
  );
}

/** Records a pending removal and enqueues entitlement.revoke with its snapshot, in `tx`. */
export async function enqueueRoleRevoke(tx: Tx, payload: RoleRevokePayload & { productId: string }): Promise<void> {
  const { productId, ...job } = payload;
  await tx.roleChange.upsert({
    where: { entitlementId_action: { entitlementId: job.entitlementId, action: 'REVOKE' } },
    create: {
      tenantId: job.tenantId,
      entitlementId: job.entitlementId,
      customerId: job.customerId,
      orderId: job.orderId,
      productId,
      roleId: job.roleId,
      guildId: job.guildId,
      reason: job.reason,
      action: 'REVOKE',
    },
    update: { ...cleared, guildId: job.guildId, reason: job.reason },
  });
  await enqueueJob(tx, TASKS.roleRemove, job, { queueName: roleQueueName(job.tenantId, job.customerId) });
}

export interface RoleChangeOutcome {
  state: 'PENDING' | 'DONE' | 'FAILED';
  attempts: number;
  guildId?: string;
  failureKind?: string | null;
  failureMessage?: string | null;
  discordCode?: number | null;
}

/** The job's result on the entitlement's row (absent for jobs enqueued before role_changes existed). */
export async function recordRoleChange(
  db: Db | Tx,
  tenantId: string,
  entitlementId: string,
  action: RoleChangeAction,
  outcome: RoleChangeOutcome,
): Promise<void> {
  await db.roleChange.updateMany({
    where: { tenantId, entitlementId, action },
    data: {
      state: outcome.state,
      attempts: outcome.attempts,
      ...(outcome.guildId ? { guildId: outcome.guildId } : {}),
      failureKind: outcome.failureKind ?? null,
      failureMessage: outcome.failureMessage ?? null,
      discordCode: outcome.discordCode ?? null,
    },
  });
}
