// shopRecordContextOf: the shop of an action on a Tenant record is the record, for a platform admin too; a shop member
// gets only their own shop (the scoped query and isAccessible refuse another's first: this is the third check).
import { ForbiddenError } from 'adminjs';
import { describe, expect, it } from 'vitest';
import { shopRecordContextOf, type PanelAdmin } from './panel-admin.js';

const admin = (role: PanelAdmin['role'], tenantId: string | null): PanelAdmin => ({
  id: `adm_${role}`,
  email: `${role.toLowerCase()}@test.local`,
  title: role,
  role,
  tenantId,
});
const on = (resourceId: string, recordId: string | null, currentAdmin?: PanelAdmin) => ({
  currentAdmin,
  resource: { id: () => resourceId },
  record: recordId === null ? null : { id: () => recordId },
});

describe('shopRecordContextOf', () => {
  it("is the record's shop, with the signed-in admin as the actor: a platform admin on any shop, a shop's admin on theirs", () => {
    expect(shopRecordContextOf(on('Tenant', 'ten_b', admin('PLATFORM_ADMIN', null)))).toEqual({
      tenantId: 'ten_b',
      actor: { type: 'PANEL_ADMIN', id: 'adm_PLATFORM_ADMIN', label: 'platform_admin@test.local' },
    });
    expect(shopRecordContextOf(on('Tenant', 'ten_a', admin('TENANT_ADMIN', 'ten_a')))).toEqual({
      tenantId: 'ten_a',
      actor: { type: 'PANEL_ADMIN', id: 'adm_TENANT_ADMIN', label: 'tenant_admin@test.local' },
    });
  });

  it("refuses another shop's record to a shop member, no record, another resource's record, and nobody signed in", () => {
    expect(() => shopRecordContextOf(on('Tenant', 'ten_b', admin('TENANT_ADMIN', 'ten_a')))).toThrow(ForbiddenError);
    expect(() => shopRecordContextOf(on('Tenant', 'ten_b', admin('TENANT_STAFF', 'ten_a')))).toThrow(ForbiddenError);
    expect(() => shopRecordContextOf(on('Tenant', null, admin('PLATFORM_ADMIN', null)))).toThrow(ForbiddenError);
    expect(() => shopRecordContextOf(on('Order', 'ord_1', admin('PLATFORM_ADMIN', null)))).toThrow(ForbiddenError);
    expect(() => shopRecordContextOf(on('Tenant', 'ten_a'))).toThrow(ForbiddenError);
  });
});
