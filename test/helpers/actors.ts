// TenantContexts for calling module services in tests as a signed-in panel admin would.
import type { TenantContext } from '../../src/modules/shared/actor.js';

/** A panel admin (id adm_test, admin@test) of `tenantId`. */
export function adminCtx(tenantId: string): TenantContext {
  return { tenantId, actor: { type: 'PANEL_ADMIN', id: 'adm_test', label: 'admin@test' } };
}
