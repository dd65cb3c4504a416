// Shows integer-cent columns as money ("$25.00") in lists and detail pages, beside the raw cents field
// used by the edit form. The currency is the record's own, or the tenant's.
import type { ActionResponse, After } from 'adminjs';
import type { Db } from '../../../platform/db/prisma.js';
import { formatMoney } from '../../../platform/money.js';
import type { PanelAdmin } from '../auth/panel-admin.js';

export function moneyColumns(db: Db, columns: Record<string, string>): After<ActionResponse> {
  return async (response, _request, context) => {
    const admin = context.currentAdmin as PanelAdmin | undefined;
    const records = (response.records ?? (response.record ? [response.record] : [])) as { params: Record<string, unknown> }[];
    if (!records.length) return response;
    let tenantCurrency: string | undefined;
    if (records.some((r) => !r.params.currency) && admin?.tenantId) {
      tenantCurrency = (await db.tenant.findUnique({ where: { id: admin.tenantId }, select: { currency: true } }))?.currency;
    }
    for (const r of records) {
      for (const [cents, display] of Object.entries(columns)) {
        const value = r.params[cents];
        if (value === null || value === undefined || value === '') continue;
        r.params[display] = formatMoney(Number(value), String(r.params.currency ?? tenantCurrency ?? 'USD'));
      }
    }
    return response;
  };
}
