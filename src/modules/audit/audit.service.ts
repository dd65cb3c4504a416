// The audit trail: who changed what, with the values before and after. Entries are written inside the
// transaction of the change they describe, so a rolled-back change leaves no entry and a committed one
// always has its entry.
import type { AuditLog, Prisma } from '../../generated/prisma/index.js';
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

export function createAuditService(deps: { db: Db }): AuditService {
  return {
    async record(tx, ctx, entry) {
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
