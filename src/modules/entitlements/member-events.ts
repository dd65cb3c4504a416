// What the gateway listener reports about members, turned into entitlement work (role jobs, audit):
// - a member joined: every role their GRANTED entitlements in that shop owe them is granted again (the
//   Discord roles were lost when they left), except one a moderator removed that the shop recorded (RECORD: only
//   its Retry gives it back; until 2026-12-07 leaving and rejoining did);
// - a member's roles changed: an owed role that is no longer there was taken by someone else (our own
//   removals revoke the entitlement first, so they never count), unless it was never given (its grant pending, or
//   refused by Discord: until 2026-12-07 that refusal was relabelled a moderator's removal); per shop setting it is given back
//   (REAPPLY) or left off and listed under Role changes with Retry (RECORD), recorded and audited once (a later update
//   of the member, a nickname change, does not record it again).
// Everything is one transaction per event; the role changes themselves are jobs.
import type { Db, Tx } from '../../platform/db/prisma.js';
import { Prisma, withTransaction } from '../../platform/db/prisma.js';
import type { Logger } from '../../platform/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import { systemActor } from '../shared/actor.js';
import { enqueueRoleGrant } from './role-changes.js';

export interface MemberEvents {
  joined(guildId: string, userId: string): Promise<{ regranted: number }>;
  rolesChanged(guildId: string, userId: string, roleIds: string[]): Promise<{ removed: string[]; reapplied: boolean }>;
}

export const REMOVED_EXTERNALLY = 'REMOVED_EXTERNALLY';

export function createMemberEvents(deps: { db: Db; audit: AuditService; logger: Logger }): MemberEvents {
  /** The member's GRANTED entitlements whose role lives in `guildId` (the role jobs' guild rule), oldest first. */
  const owed = async (tx: Tx, guildId: string, userId: string) => {
    const guild = await tx.guild.findUnique({ where: { id: guildId }, select: { tenantId: true } });
    if (!guild) return { tenantId: null, ents: [] };
    // Locked before anything is read (lockGranted): a reconciliation re-granting one of them waits for this event, or
    // this event for it, and the later one sees what the other wrote.
    await lockGranted(tx, guild.tenantId, { discordUserId: userId });
    const first = await tx.guild.findFirst({
      where: { tenantId: guild.tenantId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true },
    });
    const ents = await tx.entitlement.findMany({
      where: { tenantId: guild.tenantId, status: 'GRANTED', customer: { discordUserId: userId } },
      include: { order: { select: { guildId: true, tenant: { select: { roleRemovalPolicy: true } } } } },
      orderBy: [{ grantedAt: 'asc' }, { id: 'asc' }],
    });
    return { tenantId: guild.tenantId, ents: ents.filter((e) => (e.order.guildId ?? first?.id) === guildId) };
  };

  return {
    async joined(guildId, userId) {
      const regranted = await withTransaction(deps.db, async (tx) => {
        const { tenantId, ents: all } = await owed(tx, guildId, userId);
        if (!tenantId || all.length === 0) return 0;
        // A removal the shop recorded (policy RECORD) is not undone by leaving and joining again; an entitlement of the
        // same role it was not recorded on (bought after the removal) still gives the role. One grant per role.
        const recorded = await recordedRemovals(tx, tenantId);
        const ents = onePerRole(all.filter((e) => !recorded.has(e.id)));
        if (ents.length === 0) return 0;
        for (const ent of ents) await enqueueRoleGrant(tx, ent, guildId);
        await deps.audit.record(
          tx,
          { tenantId, actor: systemActor },
          {
            action: 'entitlement.member_rejoined',
            entityType: 'Customer',
            entityId: ents[0]!.customerId,
            after: { guildId, userId, roleIds: ents.map((e) => e.roleId) },
          },
        );
        return ents.length;
      });
      if (regranted) deps.logger.info({ guildId, userId, regranted }, 'member rejoined; owed roles granted again');
      return { regranted };
    },

    async rolesChanged(guildId, userId, roleIds) {
      const held = new Set(roleIds);
      return withTransaction(deps.db, async (tx) => {
        const { tenantId, ents } = await owed(tx, guildId, userId);
        // Every entitlement of a missing role, not only the oldest: one whose grant Discord refused must not hide
        // another of the same role that was given.
        let missing = ents.filter((e) => !held.has(e.roleId));
        if (!tenantId || missing.length === 0) return { removed: [], reapplied: false };
        const reapply = missing[0]!.order.tenant.roleRemovalPolicy === 'REAPPLY';
        // A grant still on its way is not a removal (the member changed something else before it ran), nor is one
        // Discord refused (the role was never given; its reason, e.g. the bot's role too low, stays as it is). A
        // removal recorded before is still one: given back under REAPPLY (the shop changed its policy since), and
        // under RECORD already recorded and audited, so not again at each later update of the member (a nickname
        // change: until 2026-12-07 the audit log had the same removal once per update).
        const notNew = await tx.roleChange.findMany({
          where: { tenantId, action: 'GRANT', entitlementId: { in: missing.map((e) => e.id) }, state: { in: ['PENDING', 'FAILED'] } },
          select: { entitlementId: true, state: true, failureKind: true },
        });
        const skip = new Set(
          notNew.filter((c) => c.state === 'PENDING' || c.failureKind !== REMOVED_EXTERNALLY || !reapply).map((c) => c.entitlementId),
        );
        missing = missing.filter((e) => !skip.has(e.id));
        if (missing.length === 0) return { removed: [], reapplied: false };
        // Given back once per role; recorded on each entitlement of it (each would give it back on a rejoin).
        const regrant = new Set(onePerRole(missing).map((e) => e.id));
        for (const ent of missing) {
          if (reapply) {
            if (regrant.has(ent.id)) await enqueueRoleGrant(tx, ent, guildId);
          } else {
            await tx.roleChange.upsert({
              where: { entitlementId_action: { entitlementId: ent.id, action: 'GRANT' } },
              create: {
                tenantId,
                entitlementId: ent.id,
                customerId: ent.customerId,
                orderId: ent.orderId,
                productId: ent.productId,
                roleId: ent.roleId,
                guildId,
                action: 'GRANT',
                state: 'FAILED',
                failureKind: REMOVED_EXTERNALLY,
                failureMessage: removedMessage,
              },
              update: { state: 'FAILED', failureKind: REMOVED_EXTERNALLY, failureMessage: removedMessage, discordCode: null, guildId },
            });
          }
          await deps.audit.record(
            tx,
            { tenantId, actor: systemActor },
            {
              action: 'entitlement.role_removed_externally',
              entityType: 'Entitlement',
              entityId: ent.id,
              after: { guildId, userId, roleId: ent.roleId, policy: reapply ? 'REAPPLY' : 'RECORD' },
            },
          );
        }
        return { removed: [...new Set(missing.map((e) => e.roleId))], reapplied: reapply };
      });
    },
  };
}

const removedMessage =
  'Someone other than the bot (a moderator or another bot) removed this paid role. The shop records such removals instead of undoing them; Retry gives the role back.';

/**
 * The entitlements (ids) whose role a shop with policy RECORD keeps off: still GRANTED, their grant marked FAILED
 * REMOVED_EXTERNALLY by the listener (rolesChanged above). Neither a rejoin nor the reconciliation gives them back:
 * Retry does. Another entitlement of the same role (bought after the removal) is not one of them, nor is one refunded
 * or ended since. Empty under REAPPLY, where a missing role is given back.
 */
export async function recordedRemovals(db: Db | Tx, tenantId: string): Promise<Set<string>> {
  const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: { roleRemovalPolicy: true } });
  if (tenant?.roleRemovalPolicy !== 'RECORD') return new Set();
  const rows = await db.roleChange.findMany({
    where: { tenantId, action: 'GRANT', state: 'FAILED', failureKind: REMOVED_EXTERNALLY },
    select: { entitlementId: true },
  });
  const granted = await db.entitlement.findMany({
    where: { tenantId, status: 'GRANTED', id: { in: rows.map((r) => r.entitlementId) } },
    select: { id: true },
  });
  return new Set(granted.map((e) => e.id));
}

/**
 * Locks a shop's GRANTED entitlements (FOR UPDATE, in id order: the listener and the reconciliation both lock here, so
 * those two never deadlock each other; a refund's or timed access's revoke locks them by its update's scan order, and
 * a deadlock with one of those is detected by PostgreSQL and retried by withTransaction) and returns the ids still GRANTED: a member's (the listener, for each event) or the given ids (the
 * reconciliation, those it re-grants). Taken before recordedRemovals is read and the grant written: until 2026-12-07 the
 * reconciliation read "no removal recorded", the listener recorded one and committed, and the re-grant overwrote it
 * (test/modules/entitlements/removal-reconcile-race.test.ts).
 */
export async function lockGranted(tx: Tx, tenantId: string, whose: { discordUserId: string } | { ids: string[] }): Promise<Set<string>> {
  const which =
    'ids' in whose
      ? Prisma.sql`e.id = ANY(${whose.ids}::text[])`
      : Prisma.sql`e."customerId" IN (SELECT c.id FROM customers c WHERE c."tenantId" = ${tenantId} AND c."discordUserId" = ${whose.discordUserId})`;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT e.id FROM entitlements e WHERE e."tenantId" = ${tenantId} AND e.status = 'GRANTED' AND ${which} ORDER BY e.id FOR UPDATE`;
  return new Set(rows.map((r) => r.id));
}

/** The first (oldest) entitlement of each role: one is enough to owe it. */
function onePerRole<E extends { roleId: string }>(ents: readonly E[]): E[] {
  const seen = new Set<string>();
  return ents.filter((e) => !seen.has(e.roleId) && seen.add(e.roleId));
}
