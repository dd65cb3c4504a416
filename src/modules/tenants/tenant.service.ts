// Tenants (shops). The tenant is always resolved from something signed: here, the interaction's guild.
//
// Both reads are prepared plain-SQL statements (platform/db/sql.ts), not Prisma: the Discord surface reloads
// each guild's tenant every few seconds and the job worker reads it for every notification, and through
// Prisma's query compiler one `guild.findUnique({ include: { tenant: true } })` cost ~12 ms of CPU on a 2-core
// host, blocking the interaction process's event loop each time (docs/perf/interactions.md). The rows are the
// Prisma model's own shape (every scalar column; enums and enum arrays as text), which
// test/modules/customers/customer.service.test.ts compares with Prisma's read.
import type { Tenant } from '../../generated/prisma/index.js';
import { Prisma, type Db } from '../../platform/db/prisma.js';
import { queryRows, type SqlRunner } from '../../platform/db/sql.js';
import { AppError } from '../../platform/errors.js';

export interface TenantService {
  /** The tenant a Discord guild is linked to, or null when the guild is not set up. */
  byGuild(guildId: string): Promise<Tenant | null>;
  /** Throws NOT_FOUND when there is no such tenant. */
  get(tenantId: string): Promise<Tenant>;
}

/** Every column of `tenants` as Prisma's Tenant has it. */
const TENANT_COLUMNS = Prisma.sql`t.id, t.name, t.currency, t."enabledPaymentMethods"::text[] AS "enabledPaymentMethods",
  t."paymentInstructions", t."adminChannelId", t."adminRoleIds", t."inventoryTracking", t."taxjarEnabled", t."taxjarApiKey",
  t."taxjarEnabledAt", t."taxjarFromAddress", t."addressValidation", t."roleRemovalPolicy"::text AS "roleRemovalPolicy", t."timeZone",
  t."paymentWindowMinutes", t."nextOrderNumber", t."createdAt", t."updatedAt"`;

/** `sql` (the plain-SQL client) when given; Prisma's client otherwise (tests that build the service alone). */
export function createTenantService(deps: { db: Db; sql?: SqlRunner }): TenantService {
  const target = deps.sql ?? deps.db;
  return {
    async byGuild(guildId) {
      const [tenant] = await queryRows<Tenant>(
        target,
        Prisma.sql`SELECT ${TENANT_COLUMNS} FROM guilds g JOIN tenants t ON t.id = g."tenantId" WHERE g.id = ${guildId}`,
      );
      return tenant ?? null;
    },
    async get(tenantId) {
      const [tenant] = await queryRows<Tenant>(target, Prisma.sql`SELECT ${TENANT_COLUMNS} FROM tenants t WHERE t.id = ${tenantId}`);
      if (!tenant) throw new AppError('NOT_FOUND', 'Shop not found');
      return tenant;
    },
  };
}
