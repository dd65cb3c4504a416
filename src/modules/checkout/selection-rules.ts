// Whether a customer's selections are valid: product available, role held, currency, stock, shipping type,
// payment method enabled and payable here. Each rule is written ONCE here, as a pair: its SQL (the order steps' one-statement
// guards, over the session `s`, its tenant `t` and, for a product rule, the product `p`) and its check on
// what a step or submit read (which throws the readable error). The same rules run when the customer
// chooses (the session steps) and again at review and submit (assertSessionSelectable), so a selection that
// became invalid in between (a product deactivated, a role lost, a payment method disabled) is refused the
// same way. test/modules/order-sessions/selection-rules.test.ts walks every rule through both paths.
import { Prisma, type PaymentMethod } from '../../generated/prisma/index.js';
import { AppError, type ErrorCode } from '../../platform/errors.js';
import { memberMayBuy } from '../catalog/role-gate.js';
import { isShippedGoods, shippedGoodsSql, type ShippingFacts } from '../catalog/shipped-goods.js';
import { isProcessorMethod, PROVIDER_DEFINITIONS, providerOfMethod } from '../payments-processor/connections/provider-definitions.js';
import type { ProviderId } from '../payments-processor/providers/provider.port.js';
import { WORKING_CONNECTION_SQL } from '../payments-processor/connections/working-connection.js';
import { currencyRefusal, methodTakesCurrency, methodTakesCurrencySql } from '../payments-processor/connections/method-currency.js';
import type { LoadedProduct, LoadedSession } from './sessions/session-store.js';

/** One precondition: its SQL guard and the same rule in TypeScript with the error it raises. */
export interface Rule<F> {
  id: string;
  code: ErrorCode;
  /** The rule as a boolean SQL expression. */
  sql: Prisma.Sql;
  holds(facts: F): boolean;
  error(facts: F): AppError;
}

/** All rules' SQL, ANDed: the guard of a one-statement step. */
export function guardSql<F>(rules: readonly Rule<F>[]): Prisma.Sql {
  return rules.length
    ? Prisma.join(
        rules.map((r) => Prisma.sql`(${r.sql})`),
        ' AND ',
      )
    : Prisma.sql`TRUE`;
}

/** Throws the error of the first rule that does not hold. */
export function assertRules<F>(rules: readonly Rule<F>[], facts: F): void {
  for (const r of rules) if (!r.holds(facts)) throw r.error(facts);
}

type Tenant = LoadedSession['tenant'];
/** `choosing`: the customer is picking it now (messages say "not available"; later ones say to remove it). */
export interface ProductFacts {
  tenant: Tenant;
  product: LoadedProduct;
  choosing?: boolean;
}

const sameCurrency = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();

/**
 * The rules for buying `quantity` of a product (alias `p`) in the tenant `t`. Roles are checked when the
 * member's roles are known (a choice, submit); review has no member and skips that rule.
 */
/**
 * How a product refusal at review or submit ends. Its details carry what changed without this ending
 * (`whatChanged`), for the surfaces that take the line out themselves and say so (order-flow.ts).
 */
const REMOVE_IT_FROM_YOUR_ORDER = ': remove it from your order.';

/** A refusal of a product already in the order: "<what changed>: remove it from your order.", and what changed in its details. */
function refusalInOrder(code: 'NOT_FOUND' | 'ROLE_REQUIRED', whatChanged: string, details: Record<string, unknown>): AppError {
  return new AppError(code, `${whatChanged}${REMOVE_IT_FROM_YOUR_ORDER}`, { ...details, whatChanged });
}

export function productRules(opts: { quantity: number; memberRoleIds?: readonly string[] }): Rule<ProductFacts>[] {
  const rules: Rule<ProductFacts>[] = [
    {
      id: 'product.available',
      code: 'NOT_FOUND',
      sql: Prisma.sql`p."tenantId" = t.id AND p.active`,
      holds: ({ tenant, product }) => product.active && product.tenantId === tenant.id,
      error: ({ product, choosing }) => {
        const details = { productId: product.id, name: product.name };
        return choosing
          ? new AppError('NOT_FOUND', 'That product is not available.', details)
          : refusalInOrder('NOT_FOUND', `${product.name} is no longer available`, details);
      },
    },
  ];
  const roles = opts.memberRoleIds;
  if (roles) {
    rules.push({
      id: 'product.role',
      code: 'ROLE_REQUIRED',
      sql: Prisma.sql`cardinality(p."requiredRoleIds") = 0 OR p."requiredRoleIds" && ${[...roles]}::text[]`,
      holds: ({ product }) => memberMayBuy(product, roles),
      error: ({ product, choosing }) => {
        const whatChanged = `${product.name} is only available to members with a specific role`;
        const details = { productId: product.id, name: product.name, requiredRoleIds: product.requiredRoleIds };
        return choosing ? new AppError('ROLE_REQUIRED', `${whatChanged}.`, details) : refusalInOrder('ROLE_REQUIRED', whatChanged, details);
      },
    });
  }
  rules.push(
    {
      id: 'product.currency',
      code: 'CURRENCY_MISMATCH',
      sql: Prisma.sql`upper(btrim(p.currency)) = upper(btrim(t.currency))`,
      holds: ({ tenant, product }) => sameCurrency(product.currency, tenant.currency),
      error: ({ tenant, product }) =>
        new AppError(
          'CURRENCY_MISMATCH',
          `${product.name} is priced in ${product.currency.trim()}, but this shop sells in ${tenant.currency}.`,
          { productId: product.id },
        ),
    },
    {
      // An early, friendly check; the binding one is the reservation at submit.
      id: 'product.stock',
      code: 'OUT_OF_STOCK',
      sql: Prisma.sql`NOT (t."inventoryTracking" AND p."trackStock") OR p.stock >= ${opts.quantity}`,
      holds: ({ tenant, product }) => !(tenant.inventoryTracking && product.trackStock) || product.stock >= opts.quantity,
      error: ({ product }) =>
        new AppError(
          'OUT_OF_STOCK',
          product.stock > 0 ? `Only ${product.stock} of ${product.name} left.` : `${product.name} is out of stock.`,
          {
            productId: product.id,
            name: product.name,
            available: product.stock,
            requested: opts.quantity,
          },
        ),
    },
  );
  return rules;
}

/**
 * Whether at least one unit can be chosen now by the stock rule (menus mark the others, and picking one
 * answers "out of stock" before the quantity is asked). `tenant`: its inventoryTracking setting.
 */
export function inStock(tenant: { inventoryTracking: boolean }, product: Pick<LoadedProduct, 'trackStock' | 'stock'>): boolean {
  const rule = productRules({ quantity: 1 }).find((r) => r.id === 'product.stock')!;
  return rule.holds({ tenant: tenant as Tenant, product: product as LoadedProduct });
}

/** The stock rule's error for one unit of `product` (OUT_OF_STOCK, naming it). */
export function outOfStockError(product: Pick<LoadedProduct, 'id' | 'name' | 'stock'>): AppError {
  const rule = productRules({ quantity: 1 }).find((r) => r.id === 'product.stock')!;
  return rule.error({ tenant: {} as Tenant, product: product as LoadedProduct });
}

export interface SessionFacts {
  session: LoadedSession;
}

/** The session has at least one line. */
export function hasItemsRule(what: string): Rule<SessionFacts> {
  return {
    id: 'session.items',
    code: 'ILLEGAL_STATE',
    sql: Prisma.sql`EXISTS (SELECT 1 FROM order_session_items i WHERE i."sessionId" = s.id)`,
    holds: ({ session }) => session.items.length > 0,
    error: () => new AppError('ILLEGAL_STATE', `Add a product before ${what}.`, { missing: 'items' }),
  };
}

/**
 * What this server can take payment through (the composition root's facts, container.ts): whether it can
 * send a customer to the invoice page, where PayPal, Cash App Pay and Bitcoin are paid (INVOICE_LINK_SIGNING_SECRET
 * and a base URL: InvoiceService.linksAvailable), and the providers it has an adapter for.
 */
export interface PaymentReach {
  invoiceLinks: boolean;
  providers: readonly ProviderId[];
}

/**
 * The rules of the method itself, checked when it is chosen and again at review and submit: the shop
 * enabled it, and it can be paid here (a processor-backed method needs the invoice page and the shop's
 * working connection to its provider; the other methods are paid outside).
 */
export function methodRules(method: PaymentMethod | null, reach: PaymentReach): Rule<SessionFacts>[] {
  const provider = method !== null && isProcessorMethod(method) ? providerOfMethod(method) : null;
  const serverCan = provider !== null && reach.invoiceLinks && reach.providers.includes(provider);
  return [
    {
      id: 'payment.enabled',
      code: 'PAYMENT_METHOD_NOT_ENABLED',
      sql: Prisma.sql`${method}::"PaymentMethod" = ANY(t."enabledPaymentMethods")`,
      holds: ({ session }) => method !== null && session.tenant.enabledPaymentMethods.includes(method),
      error: () => new AppError('PAYMENT_METHOD_NOT_ENABLED', 'This shop does not accept that payment method (any more).', { method }),
    },
    {
      // The provider takes payments for this shop: the server can reach it, the shop's connection works, and
      // it takes the shop's currency (method-currency.ts: Cash App Pay is US dollars only).
      id: 'payment.payable',
      code: 'PAYMENT_METHOD_NOT_ENABLED',
      sql:
        provider === null
          ? Prisma.sql`TRUE`
          : serverCan
            ? Prisma.sql`${methodTakesCurrencySql(method!, Prisma.sql`t.currency`)} AND EXISTS (SELECT 1 FROM payment_connections c WHERE c."tenantId" = t.id AND c.provider = ${provider}::"PaymentProvider" AND ${WORKING_CONNECTION_SQL})`
            : Prisma.sql`FALSE`,
      holds: ({ session }) =>
        provider === null ||
        (serverCan && methodTakesCurrency(method!, session.tenant.currency) && session.tenant.connectedProviders.includes(provider)),
      error: ({ session }) =>
        provider !== null && !methodTakesCurrency(method!, session.tenant.currency)
          ? new AppError('PAYMENT_METHOD_NOT_ENABLED', `${currencyRefusal(method!, session.tenant.currency)} Choose another way to pay.`, {
              method,
              reason: 'currency',
            })
          : new AppError(
              'PAYMENT_METHOD_NOT_ENABLED',
              `${provider ? PROVIDER_DEFINITIONS[provider].label : 'That method'} cannot take payments for this shop right now: choose another way to pay.`,
              { method, reason: serverCan ? 'connection' : 'server' },
            ),
    },
  ];
}

/** The shop's enabled methods the customer can choose and pay now: what the payment menu offers. */
export function payableMethods(session: LoadedSession, reach: PaymentReach): PaymentMethod[] {
  return session.tenant.enabledPaymentMethods.filter((m) => methodRules(m, reach).every((r) => r.holds({ session })));
}

/** The rules for choosing a payment method (and for submitting: methodRules must still hold). */
export function paymentRules(method: PaymentMethod | null, reach: PaymentReach): Rule<SessionFacts>[] {
  return [
    hasItemsRule('choosing how to pay'),
    {
      id: 'session.address',
      code: 'ILLEGAL_STATE',
      sql: Prisma.sql`s."addressId" IS NOT NULL`,
      holds: ({ session }) => session.addressId !== null,
      error: () => new AppError('ILLEGAL_STATE', 'Set the shipping address before choosing how to pay.', { missing: 'address' }),
    },
    shippingChosenRule(),
    ...methodRules(method, reach),
  ];
}

/**
 * A shipping type is chosen when the tenant has active ones this cart may take (shops without any ship
 * nothing; a cart with goods to ship is not offered the digital-only ones: shipping.digitalOnly).
 */
export function shippingChosenRule(): Rule<SessionFacts> {
  return {
    id: 'shipping.chosen',
    code: 'ILLEGAL_STATE',
    sql: Prisma.sql`s."shippingTypeId" IS NOT NULL OR NOT EXISTS (SELECT 1 FROM shipping_types x WHERE x."tenantId" = t.id AND x.active AND ${DIGITAL_ONLY_SQL})`,
    holds: ({ session }) =>
      session.shippingTypeId !== null ||
      (cartShipsGoods(session.items) ? session.tenant.activeShippedTypes : session.tenant.activeShippingTypes) === 0,
    error: () => new AppError('ILLEGAL_STATE', 'Choose a shipping option before choosing how to pay.', { missing: 'shippingType' }),
  };
}

/** True when a line of the cart is goods to ship (catalog/shipped-goods.ts). */
export function cartShipsGoods(items: readonly { product: ShippingFacts }[]): boolean {
  return items.some((i) => isShippedGoods(i.product));
}

/** shipping.digitalOnly as SQL over the shipping type `x` and the session `s`. */
const DIGITAL_ONLY_SQL = Prisma.sql`(NOT x."digitalOnly" OR NOT EXISTS (SELECT 1 FROM order_session_items i JOIN products p ON p.id = i."productId" WHERE i."sessionId" = s.id AND ${shippedGoodsSql('p')}))`;

/** What the shipping type rules read: the type, the tenant, and the cart's products. */
export interface ShippingTypeFacts {
  shippingType: { id: string; name: string; active: boolean; digitalOnly: boolean; tenantId?: string } | null;
  tenantId: string;
  items: readonly { product: ShippingFacts }[];
  choosing?: boolean;
}

/**
 * The chosen shipping type (alias `x`, with the session `s`) is still offered: active and the tenant's, and a
 * digital-only one only while every line of the cart is digital (a replayed menu, or goods added after it was
 * chosen, is refused here, when choosing, at review and at submit).
 */
export function shippingTypeRules(): Rule<ShippingTypeFacts>[] {
  return [
    {
      id: 'shipping.active',
      code: 'NOT_FOUND',
      sql: Prisma.sql`x."tenantId" = t.id AND x.active`,
      holds: ({ shippingType, tenantId }) =>
        !!shippingType && shippingType.active && (shippingType.tenantId === undefined || shippingType.tenantId === tenantId),
      error: ({ shippingType, choosing }) =>
        new AppError(
          'NOT_FOUND',
          shippingType && !choosing
            ? `${shippingType.name} shipping is no longer offered: choose another shipping option.`
            : 'That shipping option is not available.',
          {
            shippingTypeId: shippingType?.id ?? null,
          },
        ),
    },
    {
      id: 'shipping.digitalOnly',
      code: 'ILLEGAL_STATE',
      sql: DIGITAL_ONLY_SQL,
      holds: ({ shippingType, items }) => !shippingType?.digitalOnly || !cartShipsGoods(items),
      error: ({ shippingType }) =>
        new AppError(
          'ILLEGAL_STATE',
          `${shippingType?.name ?? 'That shipping option'} is only for orders of digital items, and your order has goods to ship: choose another shipping option.`,
          { shippingTypeId: shippingType?.id ?? null, reason: 'digitalOnly' },
        ),
    },
  ];
}

/** Whether the cart `items` may take the shipping type (the rules above, for a menu of the tenant's active types). */
export function shippingTypeOffered(
  shippingType: NonNullable<ShippingTypeFacts['shippingType']>,
  tenantId: string,
  items: ShippingTypeFacts['items'],
): boolean {
  return shippingTypeRules().every((r) => r.holds({ shippingType, tenantId, items }));
}

/**
 * Every selection of the session, checked again (review and submit): each line's product (available,
 * role when `memberRoleIds` is given, currency, stock), the shipping type, the payment method (enabled and
 * payable with `reach`). Throws the first rule's error, naming what to change.
 */
export function assertSessionSelectable(session: LoadedSession, reach: PaymentReach, memberRoleIds?: readonly string[]): void {
  for (const item of session.items)
    assertRules(productRules({ quantity: item.quantity, memberRoleIds }), { tenant: session.tenant, product: item.product });
  if (session.shippingType)
    assertRules(shippingTypeRules(), { shippingType: session.shippingType, tenantId: session.tenantId, items: session.items });
  if (session.paymentMethod) assertRules(methodRules(session.paymentMethod, reach), { session });
}
