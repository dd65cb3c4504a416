// A short-lived, per-process cache of guild -> tenant, so a busy flow does not read the same tenant row on
// every click. Entries live TENANT_CACHE_TTL_MS (5 s): a setting changed in the admin panel (payment
// methods, admin roles, admin channel) reaches Discord within that time. Unknown guilds are not cached,
// so a newly linked server works at once.
import type { Tenant } from '../../generated/prisma/index.js';

export const TENANT_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export function createTenantCache(load: (guildId: string) => Promise<Tenant | null>, ttlMs = TENANT_CACHE_TTL_MS) {
  const entries = new Map<string, { tenant: Tenant; until: number }>();
  return async function tenantForGuild(guildId: string): Promise<Tenant | null> {
    const now = Date.now();
    const hit = entries.get(guildId);
    if (hit && hit.until > now) return hit.tenant;
    const tenant = await load(guildId);
    if (tenant) {
      if (entries.size >= MAX_ENTRIES) entries.clear();
      entries.set(guildId, { tenant, until: now + ttlMs });
    } else {
      entries.delete(guildId);
    }
    return tenant;
  };
}
