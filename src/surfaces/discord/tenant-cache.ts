// A short-lived, per-process cache of guild -> tenant, so a busy flow does not read the same tenant row on
// every click. Entries live TENANT_CACHE_TTL_MS (5 s): a setting changed in the admin panel (payment
// methods, admin roles, admin channel) reaches Discord within that time. Unknown guilds are not cached,
// so a newly linked server works at once.
// One read per guild at a time: the clicks that arrive while an entry is being reloaded wait for that read
// instead of each starting their own (at 200 clicks a second every expiry started dozens).
import type { Tenant } from '../../generated/prisma/index.js';

export const TENANT_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export function createTenantCache(load: (guildId: string) => Promise<Tenant | null>, ttlMs = TENANT_CACHE_TTL_MS) {
  const entries = new Map<string, { tenant: Tenant; until: number }>();
  const loading = new Map<string, Promise<Tenant | null>>();
  return async function tenantForGuild(guildId: string): Promise<Tenant | null> {
    const hit = entries.get(guildId);
    if (hit && hit.until > Date.now()) return hit.tenant;
    const pending = loading.get(guildId);
    if (pending) return pending;
    const read = load(guildId)
      .then((tenant) => {
        if (tenant) {
          if (entries.size >= MAX_ENTRIES) entries.clear();
          entries.set(guildId, { tenant, until: Date.now() + ttlMs });
        } else {
          entries.delete(guildId);
        }
        return tenant;
      })
      .finally(() => loading.delete(guildId));
    loading.set(guildId, read);
    return read;
  };
}
