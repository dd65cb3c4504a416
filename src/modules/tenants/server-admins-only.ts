// A shop's choice that, in Discord, its server's own administrators are its admins and no admin role is needed
// (surfaces/discord/admin-check.ts: without adminRoleIds, a member with Administrator, or Manage Server by
// default, confirms payments and refunds). It settles the checklist's "No admin role is set" item
// (shop-readiness.query.ts) with what is true of the shop, instead of hiding a gap.
//
// Kept in the shop's audit trail, not in a column (docs/decisions/server-admins-only.md): the latest of the two
// entries below on the Tenant says whether the choice stands, and who made or undid it, and when, is the entry
// itself. The shop's Settings page shows them in its History.
import { Prisma, withTransaction, type Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { TenantContext } from '../shared/actor.js';

export const SERVER_ADMINS_ONLY = {
  chosen: 'tenant.server_admins_only_chosen',
  undone: 'tenant.server_admins_only_undone',
} as const;

/**
 * SQL: true when the latest of the two entries on shop `tenantId` (a column or value) is the choice. One
 * index lookup (audit_logs' tenantId, entityType, entityId).
 */
export function serverAdminsOnlySql(tenantId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`COALESCE((
    SELECT a.action = ${SERVER_ADMINS_ONLY.chosen} FROM audit_logs a
    WHERE a."tenantId" = ${tenantId} AND a."entityType" = 'Tenant' AND a."entityId" = ${tenantId}
      AND a.action IN (${SERVER_ADMINS_ONLY.chosen}, ${SERVER_ADMINS_ONLY.undone})
    ORDER BY a."createdAt" DESC, a.id DESC LIMIT 1), false)`;
}

export interface ServerAdminsOnlyChoice {
  /** When it was chosen, and by whom (an admin user id, null for the system). */
  chosenAt: Date;
  actorId: string | null;
}

/** The choice if it stands and the shop has no admin role (a role makes it moot), else null. */
export async function serverAdminsOnlyChoice(db: Db, tenantId: string): Promise<ServerAdminsOnlyChoice | null> {
  const [row] = await db.$queryRaw<{ action: string; createdAt: Date; actorId: string | null; roles: number }[]>(Prisma.sql`
    SELECT a.action, a."createdAt", a."actorId", cardinality(t."adminRoleIds") AS roles
    FROM tenants t JOIN audit_logs a ON a."tenantId" = t.id AND a."entityType" = 'Tenant' AND a."entityId" = t.id
    WHERE t.id = ${tenantId} AND a.action IN (${SERVER_ADMINS_ONLY.chosen}, ${SERVER_ADMINS_ONLY.undone})
    ORDER BY a."createdAt" DESC, a.id DESC LIMIT 1`);
  return row && row.action === SERVER_ADMINS_ONLY.chosen && row.roles === 0 ? { chosenAt: row.createdAt, actorId: row.actorId } : null;
}

/**
 * Records (`chosen` true) or undoes the choice for the shop of `ctx`, in one transaction that holds the shop's row,
 * so two admins pressing at once record one change. Refused (CONFLICT) when it is already so, and choosing is
 * refused while the shop has admin roles (it would not be true: their holders are admins too).
 */
export async function setServerAdminsOnly(deps: { db: Db; audit: AuditService }, ctx: TenantContext, chosen: boolean): Promise<void> {
  await withTransaction(deps.db, async (tx) => {
    const [shop] = await tx.$queryRaw<{ roles: number; chosen: boolean }[]>(Prisma.sql`
      SELECT cardinality(t."adminRoleIds") AS roles, ${serverAdminsOnlySql(Prisma.sql`t.id`)} AS chosen
      FROM tenants t WHERE t.id = ${ctx.tenantId} FOR UPDATE`);
    if (!shop) throw new AppError('NOT_FOUND', 'This shop no longer exists.');
    if (chosen && shop.roles > 0)
      throw new AppError(
        'CONFLICT',
        'This shop has admin roles: their members are admins in Discord too. Remove them in Shop settings first.',
      );
    if (shop.chosen === chosen)
      throw new AppError(
        'CONFLICT',
        chosen ? "Already chosen: only the server's administrators are admins in Discord." : 'Already undone.',
      );
    await deps.audit.record(tx, ctx, {
      action: chosen ? SERVER_ADMINS_ONLY.chosen : SERVER_ADMINS_ONLY.undone,
      entityType: 'Tenant',
      entityId: ctx.tenantId,
    });
  });
}
