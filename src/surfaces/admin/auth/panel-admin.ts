// The signed-in admin as AdminJS sees it (context.currentAdmin), and the TenantContext module services take.
// The tenant always comes from the server-side session (loaded from admin_users), never from a form field.
import { ForbiddenError } from 'adminjs';
import type { AdminRole } from '../../../generated/prisma/index.js';
import type { Actor, TenantContext } from '../../../modules/shared/actor.js';

export interface PanelAdmin {
  id: string;
  email: string;
  /** Shown in AdminJS's top bar. */
  title: string;
  role: AdminRole;
  /** Null only for PLATFORM_ADMIN. */
  tenantId: string | null;
}

/** Same fields, same values (key order ignored: a session read back from jsonb has its keys reordered). */
export function samePanelAdmin(a: PanelAdmin, b: PanelAdmin | undefined): boolean {
  if (!b) return false;
  const keys = Object.keys(a) as (keyof PanelAdmin)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

export function isPlatformAdmin(admin: unknown): boolean {
  return (admin as PanelAdmin | undefined)?.role === 'PLATFORM_ADMIN';
}

export function isTenantAdmin(admin: unknown): boolean {
  const a = admin as PanelAdmin | undefined;
  return !!a?.tenantId && a.role === 'TENANT_ADMIN';
}

export function isTenantMember(admin: unknown): boolean {
  const a = admin as PanelAdmin | undefined;
  return !!a?.tenantId && (a.role === 'TENANT_ADMIN' || a.role === 'TENANT_STAFF');
}

/** The admin of an AdminJS action context; refuses when nobody is signed in. */
export function panelAdminOf(context: { currentAdmin?: unknown }): PanelAdmin {
  const admin = context.currentAdmin as PanelAdmin | undefined;
  if (!admin?.id) throw new ForbiddenError('You are not signed in.');
  return admin;
}

/** The TenantContext for module services: only admins bound to a tenant may act on its records. */
/** The signed-in admin as the actor of what they do (audit trails, domain calls): by id, named by email. */
export function panelActorOf(admin: Pick<PanelAdmin, 'id' | 'email'>): Actor {
  return { type: 'PANEL_ADMIN', id: admin.id, label: admin.email };
}

export function tenantContextOf(context: { currentAdmin?: unknown }): TenantContext {
  const admin = panelAdminOf(context);
  if (!admin.tenantId) throw new ForbiddenError('This action needs an admin of a shop (tenant).');
  return { tenantId: admin.tenantId, actor: panelActorOf(admin) };
}

/**
 * The TenantContext of an action on a shop's own record (the Tenant resource's, such as "Change currency"): the shop
 * is the record AdminJS loaded for the action through the scoped resource (a shop's admin finds only their own shop,
 * a platform admin any), never a request parameter; the actor is the signed-in admin, a platform admin too, as the
 * Tenant resource's edit audits them (adapter/scoped-resource.ts). A shop member is refused another shop's record
 * here as well, beside the scoped query and isAccessible.
 */
export function shopRecordContextOf(context: {
  currentAdmin?: unknown;
  resource?: { id(): string };
  record?: { id(): string } | null;
}): TenantContext {
  const admin = panelAdminOf(context);
  const tenantId = context.resource?.id() === 'Tenant' ? context.record?.id() : undefined;
  if (!tenantId) throw new ForbiddenError('This action needs a shop.');
  if (admin.role !== 'PLATFORM_ADMIN' && admin.tenantId !== tenantId) throw new ForbiddenError('This shop is not yours.');
  return { tenantId, actor: panelActorOf(admin) };
}
