// The role jobs: entitlement.grant adds a Discord role, entitlement.revoke removes one. They run in the shop's
// lane (role-changes.ts ROLE_LANE). Both run at least once, re-read the database and are safe to run twice
// (adding a role twice or removing a missing one changes nothing). Transient gateway errors throw, so the lane
// retries them with exponential backoff; a RoleGatewayPermanentError (or running out of attempts) is recorded in
// the audit log and the job ends. A rate limit is the lane's to wait out, not a failure.
import { withTransaction, type Db } from '../../platform/db/prisma.js';
import type { EventBus, JobContext } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import { systemActor } from '../shared/actor.js';
import { rolePayload, TASKS } from '../shared/events.js';
import type { RoleChangeAction } from '../../generated/prisma/index.js';
import { failureInWords, ServerNotLinkedError } from './role-failure.js';
import type { RoleCheck } from './role-check.js';
import { recordRoleChange, roleRevokePayload } from './role-changes.js';
import { isRoleGatewayPermanentError, RoleGatewayPermanentError, type RoleGateway } from './role-gateway.port.js';

export interface RoleJobDeps {
  db: Db;
  audit: AuditService;
  logger: Logger;
  gateway: RoleGateway;
  /** Puts a 50013 into words (which permission or which two roles); without it the words are generic. */
  roleCheck?: RoleCheck;
  /**
   * Whether `err` is a rate limit the job's lane waits out (the REST client throws one inside a lane): not a
   * failure, so it is rethrown as it is, with nothing recorded.
   */
  isRateLimit?: (err: unknown) => boolean;
}

type RoleAction = 'grant' | 'revoke';

/** Discord's Unknown Member: the user is not in the server. */
const MEMBER_LEFT_CODE = 10007;
/** Discord's Unknown Role: the role is not (any more) in the server. */
const ROLE_GONE_CODE = 10011;

/** Registers entitlement.grant and entitlement.revoke on the bus. The composition root calls it once. */
export function registerEntitlementJobs(bus: EventBus, deps: RoleJobDeps): void {
  bus.registerTask(TASKS.roleAdd, {
    schema: rolePayload,
    async run({ tenantId, entitlementId }, job) {
      const ent = await deps.db.entitlement.findFirst({
        where: { id: entitlementId, tenantId },
        include: { order: { select: { number: true, guildId: true } }, customer: { select: { discordUserId: true } } },
      });
      // Revoked (or its order deleted) before this job ran: the revoke job owns the role now.
      if (!ent || ent.status !== 'GRANTED') {
        await recordRoleChange(deps.db, tenantId, entitlementId, 'GRANT', { state: 'DONE', attempts: job.attempt });
        return;
      }
      await attempt(
        deps,
        job,
        { action: 'grant', tenantId, entitlementId, roleId: ent.roleId, orderGuildId: ent.order.guildId },
        (guildId) => deps.gateway.addRole(guildId, ent.customer.discordUserId, ent.roleId, `Order #${ent.order.number} paid`),
      );
    },
  });

  bus.registerTask(TASKS.roleRemove, {
    schema: roleRevokePayload,
    async run(p, job) {
      // Another paid, unrefunded order of the same customer still justifies the role: keep it.
      const stillGranted = await deps.db.entitlement.findFirst({
        where: { tenantId: p.tenantId, customerId: p.customerId, roleId: p.roleId, status: 'GRANTED' },
        select: { id: true, orderId: true },
      });
      if (stillGranted) {
        await withTransaction(deps.db, async (tx) => {
          await recordRoleChange(tx, p.tenantId, p.entitlementId, 'REVOKE', { state: 'DONE', attempts: job.attempt });
          await deps.audit.record(
            tx,
            { tenantId: p.tenantId, actor: systemActor },
            {
              action: 'entitlement.role_kept',
              entityType: 'Entitlement',
              entityId: p.entitlementId,
              after: { roleId: p.roleId, keptFor: stillGranted },
            },
          );
        });
        return;
      }
      const customer = await deps.db.customer.findFirst({
        where: { id: p.customerId, tenantId: p.tenantId },
        select: { discordUserId: true },
      });
      if (!customer) return; // the customer is gone, and their guild membership data (and role_changes) with it
      await attempt(
        deps,
        job,
        { action: 'revoke', tenantId: p.tenantId, entitlementId: p.entitlementId, roleId: p.roleId, orderGuildId: p.guildId },
        async (guildId) => {
          try {
            await deps.gateway.removeRole(guildId, customer.discordUserId, p.roleId, p.reason);
          } catch (err) {
            // 10007 Unknown Member: they left the server, and a member who left holds no role (Discord keeps none
            // across a leave; the rejoin gives back only what GRANTED entitlements owe). 10011 Unknown Role: the role
            // is not in the server (deleted), and nobody holds it there. Either way the removal is done, but only in
            // the order's own server, the one its grant was given in: an order with none (placed outside a server)
            // falls back to the shop's first server, which may not be where its role was given (the servers changed
            // since), and "not there" says nothing of the server that holds it: it stays a failure to look at.
            const ownServer = !!p.guildId && guildId === p.guildId;
            if (ownServer && isRoleGatewayPermanentError(err) && err.discordCode === MEMBER_LEFT_CODE) return { memberLeft: true };
            if (ownServer && isRoleGatewayPermanentError(err) && err.discordCode === ROLE_GONE_CODE) return { roleDeleted: true };
            throw err;
          }
          return undefined;
        },
      );
    },
  });
}

/**
 * The order's guild, else the tenant's first linked guild. No guild at all cannot be fixed by retrying, nor can an
 * order's guild that is no longer linked to the shop: moved to another shop (a platform admin changed its shop) its
 * roles are that shop's to give and take (this shop's "another order keeps the role" sees only its own orders), and
 * unlinked it is none of the shop's. Until 2026-12-07 the jobs acted in the order's guild whoever it belonged to.
 */
async function guildFor(db: Db, tenantId: string, orderGuildId: string | null): Promise<string> {
  if (orderGuildId) {
    const linked = await db.guild.findUnique({ where: { id: orderGuildId }, select: { tenantId: true } });
    if (linked?.tenantId === tenantId) return orderGuildId;
    throw new ServerNotLinkedError(
      linked
        ? `The Discord server this order was placed in (${orderGuildId}) is now linked to another shop, so this shop no longer changes roles there. Nothing to retry; the role is that shop's to give or take.`
        : `The Discord server this order was placed in (${orderGuildId}) is no longer linked to the shop, so the bot changes no roles there. Link it again (Settings → Discord servers), then Retry.`,
    );
  }
  const guild = await db.guild.findFirst({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } });
  if (!guild) throw new RoleGatewayPermanentError('The shop has no Discord server linked, so there is nowhere to change the role.');
  return guild.id;
}

async function attempt(
  deps: RoleJobDeps,
  job: JobContext,
  what: { action: RoleAction; tenantId: string; entitlementId: string; roleId: string; orderGuildId: string | null },
  call: (guildId: string) => Promise<void | Record<string, unknown>>,
): Promise<void> {
  const ctx = { tenantId: what.tenantId, actor: systemActor };
  const action: RoleChangeAction = what.action === 'grant' ? 'GRANT' : 'REVOKE';
  let guildId: string | undefined;
  try {
    guildId = await guildFor(deps.db, what.tenantId, what.orderGuildId);
    const note = (await call(guildId)) ?? {};
    const done = guildId;
    // The row's state and its audit entry are one write: nobody reads DONE without the entry that says why.
    await withTransaction(deps.db, async (tx) => {
      await recordRoleChange(tx, what.tenantId, what.entitlementId, action, { state: 'DONE', attempts: job.attempt, guildId: done });
      await deps.audit.record(tx, ctx, {
        action: what.action === 'grant' ? 'entitlement.role_added' : 'entitlement.role_removed',
        entityType: 'Entitlement',
        entityId: what.entitlementId,
        after: { roleId: what.roleId, guildId: done, attempt: job.attempt, ...note },
      });
    });
  } catch (err) {
    if (deps.isRateLimit?.(err)) throw err;
    const permanent = isRoleGatewayPermanentError(err);
    const lastAttempt = job.attempt >= job.maxAttempts;
    const words = await failureInWords(err, { guildId, roleId: what.roleId, roleCheck: deps.roleCheck });
    const failedForGood = permanent || lastAttempt;
    // The row's state and (when it failed for good) its audit entry are one write.
    await withTransaction(deps.db, async (tx) => {
      await recordRoleChange(tx, what.tenantId, what.entitlementId, action, {
        state: failedForGood ? 'FAILED' : 'PENDING',
        attempts: job.attempt,
        failureKind: words.kind,
        failureMessage: words.message,
        discordCode: permanent ? (err.discordCode ?? null) : null,
      });
      if (!failedForGood) return;
      await deps.audit.record(tx, ctx, {
        action: `entitlement.${what.action}_failed`,
        entityType: 'Entitlement',
        entityId: what.entitlementId,
        after: {
          roleId: what.roleId,
          error: err instanceof Error ? err.message : String(err),
          kind: words.kind,
          reason: words.message,
          discordCode: permanent ? (err.discordCode ?? null) : null,
          permanent,
          attempt: job.attempt,
        },
      });
    });
    if (failedForGood) {
      deps.logger.warn({ err, ...what, attempt: job.attempt }, 'role change failed for good; recorded in the audit log');
      // A permanent failure ends the job; a transient one on its last attempt still throws so the queue
      // keeps the failed job (and its error) visible.
      if (permanent) return;
    }
    throw err;
  }
}
