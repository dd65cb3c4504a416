// Integer-cent columns as money. Lists and show pages read them formatted ("$25.00") in a display field beside
// the cents column; an edit form holds the same display field as the amount to type ("25.00"), which the form's
// schema reads back into cents (schemas/form-fields.ts formMoney): the owner never types cents.
// The currency is the record's own, or the shop's.
import type { ActionContext, ActionResponse, After } from 'adminjs';
import type { Db } from '../../../platform/db/prisma.js';
import { centsToDecimalString, formatMoney } from '../../../platform/money.js';
import type { PanelAdmin } from '../auth/panel-admin.js';

/** The signed-in admin's shop currency (USD for a platform admin, who has no shop). */
export async function shopCurrency(db: Db, context: ActionContext): Promise<string> {
  const admin = context.currentAdmin as PanelAdmin | undefined;
  if (!admin?.tenantId) return 'USD';
  return (await db.tenant.findUnique({ where: { id: admin.tenantId }, select: { currency: true } }))?.currency ?? 'USD';
}

/** `columns`: cents column -> display field, e.g. { unitPriceCents: 'price' }. */
export function moneyColumns(db: Db, columns: Record<string, string>): After<ActionResponse> {
  return async (response, request, context) => {
    const records = (response.records ?? (response.record ? [response.record] : [])) as { params: Record<string, unknown> }[];
    if (!records.length) return response;
    // The edit form as it opens; a refused save keeps what was typed.
    const form = context.action.name === 'edit' && request.method === 'get';
    const tenantCurrency = records.some((r) => !r.params.currency) ? await shopCurrency(db, context) : undefined;
    for (const r of records) {
      for (const [cents, display] of Object.entries(columns)) {
        const value = r.params[cents];
        if (value === null || value === undefined || value === '') continue;
        const currency = String(r.params.currency ?? tenantCurrency ?? 'USD');
        r.params[display] = form ? centsToDecimalString(Number(value), currency) : formatMoney(Number(value), currency);
      }
    }
    return response;
  };
}
