// Keeping entitlements true after the fact: the role check before a product is saved, Retry of a failed or
// pending role change, and the reconciliation of a shop's entitlements with the roles its members hold.
// Every repair goes through enqueueRoleGrant/enqueueRoleRevoke (role-changes.ts), i.e. the role jobs.
import type { RoleChange } from '../../generated/prisma/index.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { withTransaction, type Db } from '../../platform/db/prisma.js';
import type { Logger } from '../../platform/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import type { TenantContext } from '../shared/actor.js';
import type { GuildDirectory } from './guild-directory.port.js';
import { createRoleCheck, type RoleCheck, type RoleCheckResult } from './role-check.js';
import { enqueueRoleGrant, enqueueRoleRevoke } from './role-changes.js';
import { reconcileTenant, type ReconcileReport } from './reconcile.js';

export interface RoleRepairService {
  readonly roleCheck: RoleCheck;
  /** Can the bot give these roles in the shop's server(s)? What to fix when not. */
  checkRoles(tenantId: string, roleIds: string[]): Promise<RoleCheckResult>;
  /** Re-enqueues a failed (or still pending) role change through the role jobs; audited. */
  retry(ctx: TenantContext, roleChangeId: string): Promise<RoleChange>;
  /** Compares the shop's GRANTED entitlements with its members' roles; re-grants what is missing, reports the rest (audited). */
  reconcile(ctx: TenantContext): Promise<ReconcileReport>;
}

export function createRoleRepairService(deps: {
  db: Db;
  clock: Clock;
  audit: AuditService;
  directory: GuildDirectory;
  logger: Logger;
}): RoleRepairService {
  const roleCheck = createRoleCheck({ db: deps.db, directory: deps.directory });
  return {
    roleCheck,
    checkRoles: (tenantId, roleIds) => roleCheck.check(tenantId, roleIds),

    async retry(ctx, roleChangeId) {
      return withTransaction(deps.db, async (tx) => {
        // The row lock makes two Retry clicks run one after the other; the second sees PENDING and still
        // enqueues (harmless: the jobs are idempotent), which is what "run it again now" means.
        const locked = await tx.$queryRaw<
          { id: string }[]
        >`SELECT id FROM role_changes WHERE id = ${roleChangeId} AND "tenantId" = ${ctx.tenantId} FOR UPDATE`;
        if (locked.length === 0) throw new AppError('NOT_FOUND', 'That role change does not exist.');
        const row = await tx.roleChange.findUniqueOrThrow({ where: { id: roleChangeId } });
        if (row.state === 'DONE') throw new AppError('ILLEGAL_STATE', 'This role change already went through; there is nothing to retry.');
        if (row.action === 'GRANT') {
          const ent = await tx.entitlement.findFirst({ where: { id: row.entitlementId, tenantId: ctx.tenantId, status: 'GRANTED' } });
          if (!ent) throw new AppError('ILLEGAL_STATE', 'The entitlement was revoked since, so the role is no longer owed.');
          await enqueueRoleGrant(tx, ent, row.guildId);
        } else {
          await enqueueRoleRevoke(tx, {
            tenantId: row.tenantId,
            entitlementId: row.entitlementId,
            customerId: row.customerId,
            roleId: row.roleId,
            orderId: row.orderId,
            productId: row.productId,
            guildId: row.guildId,
            reason: row.reason,
          });
        }
        await deps.audit.record(tx, ctx, {
          action: 'entitlement.retry_requested',
          entityType: 'Entitlement',
          entityId: row.entitlementId,
          before: { state: row.state, failureKind: row.failureKind, failureMessage: row.failureMessage },
          after: { action: row.action, roleId: row.roleId },
        });
        return tx.roleChange.findUniqueOrThrow({ where: { id: roleChangeId } });
      });
    },

    reconcile: (ctx) => reconcileTenant({ ...deps, ctx }),
  };
}
