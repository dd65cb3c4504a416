// The audit trail: who changed what, with the values before and after. Entries are written inside the
// transaction of the change they describe, so a rolled-back change leaves no entry and a committed one
// always has its entry. A Discord admin's entry also keeps the name they acted under (discord_admin_names, in the
// same transaction: keepDiscordAdminName), as the entry keeps only their Discord user id.
import { Prisma, type AuditLog } from '../../generated/prisma/index.js';
import type { Db, Tx } from '../../platform/db/prisma.js';
import type { TenantContext } from '../shared/actor.js';

export interface AuditEntry {
  /** Dotted verb, e.g. "order.updated", "payment.confirmed", "entitlement.grant_failed". */
  action: string;
  /** The model name, e.g. "Order", "Payment", "Entitlement". */
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditService {
  /** Writes one entry through `tx` (a transaction, or the client itself for jobs that are not in one). */
  record(tx: Tx, ctx: TenantContext, entry: AuditEntry): Promise<AuditLog>;
  /** Every entry for one entity of the tenant, oldest first. */
  listFor(tenantId: string, entityType: string, entityId: string): Promise<AuditLog[]>;
}

/** Dates become ISO strings, undefined fields disappear: what JSON columns can hold. */
export function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

/**
 * The name a Discord admin acted under (their ctx.actor.label: global_name, else username), for the shop's readers
 * outside Discord (actor-names.ts). One statement: a new admin's row inserted, an existing one's updated only when the
 * name changed (an unchanged name writes and locks nothing, so the same admin's actions at once do not queue on it; an admin's
 * first action or a new name waits on the other's row until that commits, once).
 */
function keepDiscordAdminName(tx: Tx, ctx: TenantContext): Promise<number> | undefined {
  const { type, id, label } = ctx.actor;
  if (type !== 'DISCORD_ADMIN' || !id || !label) return undefined;
  // "updatedAt" is a timestamp without time zone holding UTC, as Prisma writes it.
  return tx.$executeRaw(Prisma.sql`
    WITH changed AS (
      UPDATE discord_admin_names SET name = ${label}, "updatedAt" = now() AT TIME ZONE 'UTC'
      WHERE "tenantId" = ${ctx.tenantId} AND "discordUserId" = ${id} AND name IS DISTINCT FROM ${label}
      RETURNING 1
    )
    INSERT INTO discord_admin_names ("tenantId", "discordUserId", name, "updatedAt")
    VALUES (${ctx.tenantId}, ${id}, ${label}, now() AT TIME ZONE 'UTC')
    ON CONFLICT ("tenantId", "discordUserId") DO NOTHING`);
}

export function createAuditService(deps: { db: Db }): AuditService {
  return {
    async record(tx, ctx, entry) {
      await keepDiscordAdminName(tx, ctx);
      return tx.auditLog.create({
        data: {
          tenantId: ctx.tenantId,
          actorType: ctx.actor.type,
          actorId: ctx.actor.id ?? null,
          action: entry.action,
          entityType: entry.entityType,
          entityId: entry.entityId,
          before: toJson(entry.before),
          after: toJson(entry.after),
        },
      });
    },
    async listFor(tenantId, entityType, entityId) {
      return deps.db.auditLog.findMany({
        where: { tenantId, entityType, entityId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
    },
  };
}
