// Who may use which resource and action (the role layer; the tenant layer is adapter/scoped-resource.ts).
// isAccessible is enforced by AdminJS on the API endpoints too, not only in the menu.
import type { IsFunction, ActionResponse, After, Before } from 'adminjs';
import { isPlatformAdmin, isTenantAdmin, isTenantMember, type PanelAdmin } from '../auth/panel-admin.js';

type Ctx = Parameters<IsFunction>[0];

/** True when the record (if any) belongs to the admin's tenant: a second check beside the scoped queries. */
function ownRecord(ctx: Ctx): boolean {
  const admin = ctx.currentAdmin as PanelAdmin | undefined;
  const record = ctx.record;
  if (!record) return true;
  if (isPlatformAdmin(admin)) return true;
  const tenantOfRecord = record.params.tenant ?? record.params.tenantId ?? (ctx.resource.id() === 'Tenant' ? record.params.id : undefined);
  return !!admin?.tenantId && tenantOfRecord === admin.tenantId;
}

export const canRead: IsFunction = (ctx) => isTenantMember(ctx.currentAdmin) && ownRecord(ctx);
export const canManage: IsFunction = (ctx) => isTenantAdmin(ctx.currentAdmin) && ownRecord(ctx);
export const platformOnly: IsFunction = (ctx) => isPlatformAdmin(ctx.currentAdmin);
export const platformOrTenantAdmin: IsFunction = (ctx) =>
  isPlatformAdmin(ctx.currentAdmin) || (isTenantAdmin(ctx.currentAdmin) && ownRecord(ctx));
export const platformOrTenantMember: IsFunction = (ctx) =>
  isPlatformAdmin(ctx.currentAdmin) || (isTenantMember(ctx.currentAdmin) && ownRecord(ctx));
export const never: IsFunction = () => false;

/** Actions of a resource that tenant staff may read and tenant admins may change. */
export const tenantCrud = {
  list: { isAccessible: canRead },
  show: { isAccessible: canRead },
  search: { isAccessible: canRead },
  new: { isAccessible: canManage },
  edit: { isAccessible: canManage },
  delete: { isAccessible: canManage },
  bulkDelete: { isAccessible: never },
} as const;

/**
 * tenantCrud with the writes validated (`validate` runs before new and edit) and, when given, amounts shown
 * as money (`money` runs after list, show and edit: resources/money-columns.ts).
 */
export function validatedTenantCrud(opts: { validate: Before; money?: After<ActionResponse> }) {
  const after = opts.money ? { after: opts.money } : {};
  return {
    ...tenantCrud,
    list: { ...tenantCrud.list, ...after },
    show: { ...tenantCrud.show, ...after },
    new: { ...tenantCrud.new, before: opts.validate },
    edit: { ...tenantCrud.edit, before: opts.validate, ...after },
  };
}

export const tenantReadOnly = {
  list: { isAccessible: canRead },
  show: { isAccessible: canRead },
  search: { isAccessible: canRead },
  new: { isAccessible: never },
  edit: { isAccessible: never },
  delete: { isAccessible: never },
  bulkDelete: { isAccessible: never },
} as const;
