// Integer-cent columns as money. Lists and show pages read them formatted ("$25.00") in a display field beside
// the cents column; an edit form holds the same display field as the amount to type ("25.00"), which the form's
// schema reads back into cents (schemas/form-fields.ts formMoney): the owner never types cents.
// The currency is the record's own, or its shop's. Lists show each such column through moneyProperty (one line).
import type { ActionContext, ActionResponse, After, PropertyOptions } from 'adminjs';
import type { Db } from '../../../platform/db/prisma.js';
import { AppError } from '../../../platform/errors.js';
import { centsToDecimalString, formatMoney } from '../../../platform/money.js';
import type { PanelAdmin } from '../auth/panel-admin.js';
import type { AdminComponents } from '../components/component-loader.js';

/**
 * A money display field's property options: its list cell (components/money-cell.tsx) keeps the amount on one
 * line ("$42.50", never "$42." over "50" in a narrow column). Every money column of a list goes through here.
 */
export function moneyProperty(components: Pick<AdminComponents, 'MoneyCell'>, options: PropertyOptions): PropertyOptions {
  return { ...options, components: { ...options.components, list: components.MoneyCell } };
}

/**
 * The currency of the shop a record belongs to: the tenant of the record being edited or shown (a platform
 * admin belongs to no shop), else the signed-in admin's shop. FORBIDDEN when neither names a shop.
 */
export async function shopCurrency(db: Db, context: ActionContext): Promise<string> {
  const admin = context.currentAdmin as PanelAdmin | undefined;
  const ofRecord = tenantOf(context.record?.params ?? {});
  const tenantId = ofRecord ?? admin?.tenantId;
  if (!tenantId) throw new AppError('FORBIDDEN', 'Amounts are read in the currency of a shop, and this form belongs to none.');
  return currencyOfShop(db, tenantId);
}

/** A record's shop: its `tenant` reference (the relation's property), or the raw column. */
function tenantOf(params: Record<string, unknown>): string | undefined {
  const id = params.tenant ?? params.tenantId;
  return typeof id === 'string' && id ? id : undefined;
}

async function currencyOfShop(db: Db, tenantId: string): Promise<string> {
  const row = await db.tenant.findUnique({ where: { id: tenantId }, select: { currency: true } });
  if (!row) throw new AppError('NOT_FOUND', 'Shop not found');
  return row.currency.trim();
}

/** `columns`: cents column -> display field, e.g. { unitPriceCents: 'price' }. */
export function moneyColumns(db: Db, columns: Record<string, string>): After<ActionResponse> {
  return async (response, request, context) => {
    const records = (response.records ?? (response.record ? [response.record] : [])) as { params: Record<string, unknown> }[];
    if (!records.length) return response;
    // The edit form as it opens; a refused save keeps what was typed.
    const form = context.action.name === 'edit' && request.method === 'get';
    // A record without a currency of its own (a shipping type, a discount) is in its shop's.
    const shops = new Map<string, Promise<string>>();
    const currencyOf = (r: { params: Record<string, unknown> }): Promise<string> => {
      if (r.params.currency) return Promise.resolve(String(r.params.currency));
      const tenantId = tenantOf(r.params) ?? '';
      if (!tenantId) return shopCurrency(db, context);
      if (!shops.has(tenantId)) shops.set(tenantId, currencyOfShop(db, tenantId));
      return shops.get(tenantId)!;
    };
    for (const r of records) {
      for (const [cents, display] of Object.entries(columns)) {
        const value = r.params[cents];
        if (value === null || value === undefined || value === '') continue;
        const currency = await currencyOf(r);
        r.params[display] = form ? centsToDecimalString(Number(value), currency) : formatMoney(Number(value), currency);
      }
    }
    return response;
  };
}
