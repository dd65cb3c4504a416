// A short-lived, per-process cache of (tenant, Discord user) -> customer row, so each click of a flow does not
// read the same customer again. The mapping never changes once made (customers are not deleted; the panel
// edits names only), and the surface uses the row's id plus the Discord name it last wrote; a name changed
// in Discord is still noticed on the next click (dispatch compares it and writes). Entries live
// CUSTOMER_CACHE_TTL_MS; the map is bounded (oldest entries go first), so memory does not grow with users.
import type { Customer } from '../../generated/prisma/index.js';

export const CUSTOMER_CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

export function createCustomerCache(ttlMs = CUSTOMER_CACHE_TTL_MS, maxEntries = MAX_ENTRIES) {
  // A Map iterates in insertion order, and set() after delete() moves a key to the end: the first key is
  // always the least recently written entry.
  const entries = new Map<string, { customer: Customer; until: number }>();
  const key = (tenantId: string, discordUserId: string) => `${tenantId}:${discordUserId}`;
  return {
    get(tenantId: string, discordUserId: string): Customer | undefined {
      const k = key(tenantId, discordUserId);
      const hit = entries.get(k);
      if (!hit) return undefined;
      if (hit.until > Date.now()) return hit.customer;
      entries.delete(k);
      return undefined;
    },
    set(customer: Customer): void {
      const k = key(customer.tenantId, customer.discordUserId);
      entries.delete(k);
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(k, { customer, until: Date.now() + ttlMs });
    },
    get size() {
      return entries.size;
    },
  };
}
