// Tenants (shops). The tenant is always resolved from something signed: here, the interaction's guild.
import type { Tenant } from '../../generated/prisma/index.js';
import type { Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';

export interface TenantService {
  /** The tenant a Discord guild is linked to, or null when the guild is not set up. */
  byGuild(guildId: string): Promise<Tenant | null>;
  /** Throws NOT_FOUND when there is no such tenant. */
  get(tenantId: string): Promise<Tenant>;
}

export function createTenantService(deps: { db: Db }): TenantService {
  const { db } = deps;
  return {
    async byGuild(guildId) {
      const guild = await db.guild.findUnique({ where: { id: guildId }, include: { tenant: true } });
      return guild?.tenant ?? null;
    },
    async get(tenantId) {
      const tenant = await db.tenant.findUnique({ where: { id: tenantId } });
      if (!tenant) throw new AppError('NOT_FOUND', 'Shop not found');
      return tenant;
    },
  };
}
