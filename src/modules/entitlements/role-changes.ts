// One place that enqueues a role job: it records the change as PENDING (role_changes) and adds the job, in
// the caller's transaction. The jobs mark the row DONE or FAILED (with Discord's reason in words), so the
// panel can list what did not happen and retry it through the same function.
import { z } from 'zod';
import type { RoleChangeAction } from '../../generated/prisma/index.js';
import type { Db, Tx } from '../../platform/db/prisma.js';
import { defineLane, enqueueInLane } from '../../platform/jobs/lanes.js';
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

/**
 * A shop's role jobs run in its lane (platform/jobs/lanes.ts): one at a time, oldest first, and at Discord's pace
 * for the shop's server without holding a worker slot while they wait.
 *
 * Discord limits role changes per server (PUT/DELETE /guilds/{guild}/members/{user}/roles/{role}, one bucket per
 * server, 10 a window). In graphile-worker queues (`roles:<shard>`, 64 shared by all shops, until 2026-12-03)
 * each job waiting on that bucket held its slot, so a shop selling a role in a rush filled every slot and every
 * DM and role of every shop waited (test/scale/role-lane.test.ts; docs/decisions/admin-channel-lanes.md).
 *
 * A job that failed is retried after the lane's later jobs. Each acts on what it reads when it runs (a grant
 * whose entitlement was revoked meanwhile does nothing, a removal keeps a role another order still justifies),
 * so a retried job never undoes a later one.
 */
export const ROLE_LANE = defineLane('discord-roles');

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
  await enqueueInLane(tx, ROLE_LANE, TASKS.roleAdd, { tenantId: ent.tenantId, entitlementId: ent.id });
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
  await enqueueInLane(tx, ROLE_LANE, TASKS.roleRemove, job);
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
