// Who is acting, and for which tenant. Every write in a module service takes a TenantContext; the tenant
// always comes from something signed (the interaction's guild, the admin session, the API key).
import type { ActorType } from '../../generated/prisma/index.js';

export interface Actor {
  type: ActorType;
  /** Discord user id, admin user id, API key id; undefined for SYSTEM. */
  id?: string;
  /** Display name for audit entries and messages ("alice#0", "admin@shop"). */
  label?: string;
}

export interface TenantContext {
  tenantId: string;
  actor: Actor;
}

export const systemActor: Actor = { type: 'SYSTEM' };
