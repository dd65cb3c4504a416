// Reconciliation: a shop's GRANTED entitlements against the roles its members hold in Discord. Members are
// read page by page (GET /guilds/{id}/members, 1000 a page, `after` the last id; @discordjs/rest keeps to
// the rate limits). A member present without an owed role gets it back through the role jobs; everything
// else is reported: owed roles of members who left, and shop roles (ones a product grants) held without any
// entitlement, which may have been given by hand and are never removed automatically. A shop whose removal policy
// is RECORD keeps the removals its listener recorded (grant FAILED, REMOVED_EXTERNALLY): giving those back is the
// shop's Retry, not the reconciliation's (until 2026-12-07 the daily run undid them).
import type { Clock } from '../../platform/clock.js';
import { withTransaction, type Db, type Tx } from '../../platform/db/prisma.js';
import type { Logger } from '../../platform/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import type { TenantContext } from '../shared/actor.js';
import type { GuildDirectory } from './guild-directory.port.js';
import { lockGranted, recordedRemovals } from './member-events.js';
import { enqueueRoleGrant } from './role-changes.js';

const PAGE = 1000;

export interface RoleDifference {
  guildId: string;
  userId: string;
  roleId: string;
  customerId?: string;
}

export interface ReconcileReport {
  /** Owed roles that were missing; a grant job was enqueued for each. */
  regranted: RoleDifference[];
  /** Owed roles of customers not in the server (they get them back when they rejoin). */
  memberAbsent: RoleDifference[];
  /** Owed roles a moderator removed that the shop (policy RECORD) chose to record, not undo: left alone. */
  removalsKept: RoleDifference[];
  /** Shop roles held without an entitlement: reported only. */
  unentitled: RoleDifference[];
  /** Servers whose members could not be read. */
  unreadable: { guildId: string; error: string }[];
  membersRead: number;
}

async function readMembers(directory: GuildDirectory, guildId: string): Promise<Map<string, Set<string>>> {
  const members = new Map<string, Set<string>>();
  let after: string | undefined;
  for (;;) {
    const page = await directory.members(guildId, { after, limit: PAGE });
    for (const m of page) members.set(m.userId, new Set(m.roleIds));
    if (page.length < PAGE) return members;
    after = page.at(-1)!.userId;
  }
}

export async function reconcileTenant(deps: {
  db: Db;
  clock: Clock;
  audit: AuditService;
  directory: GuildDirectory;
  logger: Logger;
  ctx: TenantContext;
}): Promise<ReconcileReport> {
  const { db, ctx } = deps;
  const tenantId = ctx.tenantId;
  const report: ReconcileReport = {
    regranted: [],
    memberAbsent: [],
    removalsKept: [],
    unentitled: [],
    unreadable: [],
    membersRead: 0,
  };
  const guilds = await db.guild.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } });
  if (guilds.length === 0) return report;
  const entitlements = await db.entitlement.findMany({
    where: { tenantId, status: 'GRANTED' },
    include: { customer: { select: { discordUserId: true } }, order: { select: { guildId: true } } },
    orderBy: [{ grantedAt: 'asc' }, { id: 'asc' }],
  });
  const products = await db.product.findMany({ where: { tenantId }, select: { grantedRoleIds: true } });
  const recorded = await recordedRemovals(db, tenantId);
  const shopRoles = new Set(products.flatMap((p) => p.grantedRoleIds));

  const linked = new Set(guilds.map((g) => g.id));
  // The role jobs' guild rule (role-jobs.ts guildFor): the order's guild, else the shop's first linked one; an order
  // whose guild is no longer the shop's (moved to another shop, unlinked) is owed nothing in the shop's servers.
  const guildOf = (orderGuildId: string | null) => (orderGuildId ? (linked.has(orderGuildId) ? orderGuildId : null) : guilds[0]!.id);
  const toGrant: { ent: (typeof entitlements)[number]; guildId: string; diff: RoleDifference }[] = [];

  for (const { id: guildId } of guilds) {
    let members: Map<string, Set<string>>;
    try {
      members = await readMembers(deps.directory, guildId);
    } catch (err) {
      report.unreadable.push({ guildId, error: err instanceof Error ? err.message : String(err) });
      continue;
    }
    report.membersRead += members.size;
    // Each role a member is owed here, with the entitlement that gives it back: the oldest one whose removal the shop
    // did not record (RECORD), none when every one was (the removal is kept). One entitlement is enough to owe it.
    const byRole = new Map<string, { ent: (typeof entitlements)[number]; giver?: (typeof entitlements)[number] }>();
    for (const ent of entitlements) {
      if (guildOf(ent.order.guildId) !== guildId) continue;
      const key = `${ent.customer.discordUserId}/${ent.roleId}`;
      const owedRole = byRole.get(key) ?? { ent };
      if (!owedRole.giver && !recorded.has(ent.id)) owedRole.giver = ent;
      byRole.set(key, owedRole);
    }
    const owed = new Set(byRole.keys()); // userId/roleId
    for (const { ent, giver } of byRole.values()) {
      const userId = ent.customer.discordUserId;
      const held = members.get(userId);
      const diff = { guildId, userId, roleId: ent.roleId, customerId: ent.customerId };
      if (!held) report.memberAbsent.push(diff);
      else if (!held.has(ent.roleId)) {
        if (!giver) {
          report.removalsKept.push(diff);
          continue;
        }
        toGrant.push({ ent: giver, guildId, diff });
      }
    }
    for (const [userId, roles] of members) {
      for (const roleId of roles) {
        if (shopRoles.has(roleId) && !owed.has(`${userId}/${roleId}`)) report.unentitled.push({ guildId, userId, roleId });
      }
    }
  }

  const keptBefore = report.removalsKept;
  const unentitledBefore = report.unentitled;
  await withTransaction(db, async (tx) => {
    // Preconditions inside the transaction, on the entitlements locked first (lockGranted, as the listener locks a
    // member's): one revoked since it was read is not re-granted, and a removal the listener recorded since (policy
    // RECORD) is left alone and reported kept. Unlocked, a removal recorded between this read and the grant's write
    // was overwritten by it (until 2026-12-07).
    const still = await lockGranted(tx, tenantId, { ids: toGrant.map((g) => g.ent.id) });
    const recordedSince = await recordedRemovals(tx, tenantId);
    report.regranted = []; // set again on each run of this transaction (withTransaction may run it twice)
    report.removalsKept = [...keptBefore];
    report.unentitled = await stillUnentitled(tx, tenantId, unentitledBefore, guildOf);
    for (const { ent, guildId, diff } of toGrant) {
      if (!still.has(ent.id)) continue;
      if (recordedSince.has(ent.id)) {
        report.removalsKept.push(diff);
        continue;
      }
      await enqueueRoleGrant(tx, ent, guildId);
      report.regranted.push(diff);
    }
    await deps.audit.record(tx, ctx, {
      action: 'entitlement.reconciled',
      entityType: 'Tenant',
      entityId: tenantId,
      // Counts, and the first 100 of each list: a big server must not make a huge audit row.
      after: {
        at: deps.clock.now(),
        membersRead: report.membersRead,
        counts: {
          regranted: report.regranted.length,
          memberAbsent: report.memberAbsent.length,
          removalsKept: report.removalsKept.length,
          unentitled: report.unentitled.length,
        },
        regranted: report.regranted.slice(0, 100),
        memberAbsent: report.memberAbsent.slice(0, 100),
        removalsKept: report.removalsKept.slice(0, 100),
        unentitled: report.unentitled.slice(0, 100),
        unreadable: report.unreadable,
      },
    });
  });
  deps.logger.info(
    {
      tenantId,
      regranted: report.regranted.length,
      memberAbsent: report.memberAbsent.length,
      removalsKept: report.removalsKept.length,
      unentitled: report.unentitled.length,
      unreadable: report.unreadable.length,
    },
    'entitlements reconciled',
  );
  return report;
}

/**
 * The shop roles held without an entitlement that are still so now. The entitlements are read before the members, page
 * by page at Discord's pace: a customer who paid meanwhile, whose grant gave the role before their page was read,
 * holds a role the first read did not owe. A payment commits the entitlement before its grant job adds the role, so
 * reading the entitlements again after the members owes it (until 2026-12-07 it was reported "held without a
 * purchase", to the panel and the audit trail, for a paying customer).
 */
async function stillUnentitled(
  tx: Tx,
  tenantId: string,
  candidates: RoleDifference[],
  guildOf: (orderGuildId: string | null) => string | null,
): Promise<RoleDifference[]> {
  if (!candidates.length) return [];
  // By role only (the shop's few product roles), not by user: a server may report tens of thousands of members, more
  // than one statement's parameters; the first read took every GRANTED entitlement of the shop anyway.
  const granted = await tx.entitlement.findMany({
    where: { tenantId, status: 'GRANTED', roleId: { in: [...new Set(candidates.map((c) => c.roleId))] } },
    select: { roleId: true, customer: { select: { discordUserId: true } }, order: { select: { guildId: true } } },
  });
  const owed = new Set(granted.map((e) => `${guildOf(e.order.guildId)}/${e.customer.discordUserId}/${e.roleId}`));
  return candidates.filter((c) => !owed.has(`${c.guildId}/${c.userId}/${c.roleId}`));
}
