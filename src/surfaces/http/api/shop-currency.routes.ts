// GET /api/shop/currency: the shop's currency and every amount held in it (modules/tenants/change-shop-currency.ts
// repricedAmounts, the list the panel's "Change currency" shows), each with its kind, id, field and amount in minor
// units. POST /api/shop/currency {from, to, amounts: [{kind, id, field, amountCents, newAmountCents}]}: the same
// change as the panel's (changeShopCurrency: the currency and every new amount in one transaction, audited with the
// API key as the actor). The caller sends back every entry it read, with the amount it read and the new one: what is
// priced must still be exactly that (409 CONFLICT with details.changes otherwise), so an amount nobody sent is never
// left in the old currency. Amounts are minor units, as everywhere in the API: cents for EUR, whole yen for JPY.
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import {
  changeShopCurrency,
  REPRICED_BOUNDS,
  repricedAmounts,
  type RepricedAmount,
  type RepricedChange,
  type RepricedField,
} from '../../../modules/tenants/change-shop-currency.js';
import { AppError, isAppError } from '../../../platform/errors.js';
import { currencyCode } from '../../../platform/currency-code.js';
import { parseInput } from '../../../platform/validate.js';
import { ctxOf, jsonBody } from './api-context.js';

/** Which field each kind of record has its amounts in (a discount: two). */
const FIELDS_OF: Record<RepricedAmount['kind'], readonly RepricedField[]> = {
  product: ['unitPriceCents'],
  shippingType: ['priceCents'],
  discount: ['amountOffCents', 'minSubtotalCents'],
};

const kind = z.enum(['product', 'shippingType', 'discount']);
const field = z.enum(['unitPriceCents', 'priceCents', 'amountOffCents', 'minSubtotalCents']);
const currency = currencyCode;

/** One amount as GET /shop/currency lists it (documented as ShopPricedAmount). */
const pricedAmount = z
  .strictObject({
    kind,
    id: z.string(),
    field,
    name: z.string().describe("The record's name (a product's with its SKU)"),
    label: z.string().describe('Which amount of the record: "Price", "Amount off", "Minimum subtotal"'),
    amountCents: z.number().int().describe("The amount now, in the shop's currency's minor units"),
  })
  .meta({ id: 'ShopPricedAmount' });

/** The answer of GET and POST /shop/currency (documented as ShopCurrency). */
export const shopCurrencyResponse = z
  .strictObject({
    currency: z.string().describe("The shop's currency (ISO 4217)"),
    amounts: z.array(pricedAmount).describe("Every amount held in it: products' prices, priced shipping types', discounts' amounts"),
  })
  .meta({ id: 'ShopCurrency' });

/** POST's answer (documented as ShopCurrencyChanged). */
export const shopCurrencyChangedResponse = shopCurrencyResponse
  .extend({ repriced: z.number().int().describe('How many amounts were given their new value') })
  .meta({ id: 'ShopCurrencyChanged' });

const entry = z
  .strictObject({
    kind,
    // A record id as GET lists it (prod_..., shp_...): never a ':' (an entry's key is kind:id:field).
    id: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9_-]+$/, 'a record id as GET /shop/currency lists it'),
    field,
    amountCents: z.number().int('whole minor units').describe('The amount as read (GET /shop/currency), in the old currency'),
    newAmountCents: z.number().int('whole minor units').describe("The new amount, in the new currency's minor units (whole yen for JPY)"),
  })
  .superRefine((e, ctx) => {
    if (!FIELDS_OF[e.kind].includes(e.field))
      ctx.addIssue({ code: 'custom', path: ['field'], message: `a ${e.kind} has ${FIELDS_OF[e.kind].join(' or ')}` });
    const { min, max } = REPRICED_BOUNDS[e.field];
    if (e.newAmountCents < min || e.newAmountCents > max)
      ctx.addIssue({ code: 'custom', path: ['newAmountCents'], message: `from ${min} to ${max} (minor units)` });
  });

export const changeShopCurrencyBody = z
  .strictObject({
    from: currency.describe('The currency the amounts were read in (GET /shop/currency)'),
    to: currency.describe('The new currency'),
    amounts: z
      .array(entry)
      .max(50_000)
      .describe('Every entry GET /shop/currency listed, each with the amount read and its new amount; [] when it listed none'),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.amounts.forEach((e, i) => {
      const key = keyOf(e);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['amounts', i], message: 'this amount is given twice' });
      seen.add(key);
    });
  });

const keyOf = (e: { kind: string; id: string; field: string }) => `${e.kind}:${e.id}:${e.field}`;

function amountDto(a: RepricedAmount) {
  return { kind: a.kind, id: a.id, field: a.field, name: a.name, label: a.label, amountCents: a.cents };
}

/** A change of what is priced, as the API names an entry (the domain's key is kind:id:field). */
function changeDto(c: RepricedChange) {
  const [kindOf, id, fieldOf] = c.key.split(':');
  return { kind: kindOf, id, field: fieldOf, name: c.name, amountCentsSent: c.shownCents, amountCentsNow: c.nowCents };
}

/**
 * The domain's refusals in the API's words: a list that changed says which entries differ (entries the caller did
 * not send, sent and no longer priced, or at another amount) and to read the list again; a panel's "this page" is
 * not the caller's.
 */
function inApiWords(err: unknown): unknown {
  if (!isAppError(err) || err.code !== 'CONFLICT') return err;
  const details = err.details as { stale?: boolean; changes?: RepricedChange[]; currency?: string } | undefined;
  if (details?.currency)
    return new AppError(
      'CONFLICT',
      `The shop's currency is ${details.currency}, not the one sent as "from". Nothing was changed: read GET /shop/currency again.`,
      { currency: details.currency },
    );
  if (!details?.stale) return err;
  const changes = (details.changes ?? []).map(changeDto);
  return new AppError(
    'CONFLICT',
    `What is priced differs from the amounts sent (${changes.length} ${changes.length === 1 ? 'entry' : 'entries'}: one not sent, no longer priced, or at another amount; see details.changes). Nothing was changed: read GET /shop/currency again and send a new amount for every entry it lists.`,
    { changes },
  );
}

export function shopCurrencyRoutes(services: Services): Router {
  const router = Router();

  const current = async (tenantId: string) => {
    const { currency: c } = await services.db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { currency: true } });
    const shopCurrency = c.trim().toUpperCase();
    return { currency: shopCurrency, amounts: (await repricedAmounts(services.db, tenantId, shopCurrency)).map(amountDto) };
  };

  router.get('/shop/currency', async (_req, res) => {
    res.json(await current(ctxOf(res).tenantId));
  });

  router.post('/shop/currency', async (req, res) => {
    const body = parseInput(changeShopCurrencyBody, jsonBody(req), 'currency change');
    const ctx = ctxOf(res);
    const shown = body.amounts.map((e) => ({ key: keyOf(e), cents: e.amountCents }));
    const newCents = Object.fromEntries(body.amounts.map((e) => [keyOf(e), e.newAmountCents]));
    const changed = await changeShopCurrency({ db: services.db, audit: services.audit, paymentMethods: services.paymentConnections }, ctx, {
      from: body.from,
      to: body.to,
      shown,
      newCents,
    }).catch((err: unknown) => {
      throw inApiWords(err);
    });
    // The shop's list as the change committed it (not read again after: a later edit is not this change's).
    res.json({ currency: changed.currency, amounts: changed.amounts.map(amountDto), repriced: changed.repriced });
  });

  return router;
}
