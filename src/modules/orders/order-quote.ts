// Prices a session from the catalog as it is now (a customer never sets a price): the lines, the subtotal,
// and the tax request for the provider. Shared by review (what the customer confirms) and submit (what is
// charged), so both compute the same numbers the same way.
import type { PaymentMethod } from '../../generated/prisma/index.js';
import { AppError } from '../../platform/errors.js';
import { memberMayBuy } from '../catalog/role-gate.js';
import { toAddressInput, type AddressInput } from '../customers/address.schema.js';
import type { LoadedSession } from '../order-sessions/session-store.js';
import type { TaxRequest } from '../tax/tax.port.js';
import { lineDiscounts, lineTotalCents, subtotalCents } from './pricing.js';
import type { OrderTotals } from './order-totals.js';

export interface QuoteLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

export interface Quote extends OrderTotals {
  lines: QuoteLine[];
  paymentMethod: PaymentMethod | null;
  address: AddressInput;
}

/**
 * The session's lines at today's catalog prices. Throws SESSION_EMPTY (no items), NOT_FOUND (a product
 * was deactivated: the message names it), ROLE_REQUIRED (when memberRoleIds is given and the member no
 * longer holds a role a product requires), CURRENCY_MISMATCH (product priced in another currency).
 */
export function priceSession(session: LoadedSession, memberRoleIds?: readonly string[]): { lines: QuoteLine[]; subtotalCents: number } {
  const currency = session.tenant.currency;
  if (session.items.length === 0) throw new AppError('SESSION_EMPTY', 'Your order has no items yet: add a product first.');
  const lines = [...session.items]
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
    .map((i) => {
      const p = i.product;
      if (!p.active || p.tenantId !== session.tenantId) {
        throw new AppError('NOT_FOUND', `${p.name} is no longer available: remove it from your order.`, { productId: p.id, name: p.name });
      }
      if (memberRoleIds && !memberMayBuy(p, memberRoleIds)) {
        throw new AppError('ROLE_REQUIRED', `${p.name} is only available to members with a specific role: remove it from your order.`, { productId: p.id, name: p.name, requiredRoleIds: p.requiredRoleIds });
      }
      if (p.currency.trim().toUpperCase() !== currency.trim().toUpperCase()) {
        throw new AppError('CURRENCY_MISMATCH', `${p.name} is priced in ${p.currency}, but this shop sells in ${currency}.`, { productId: p.id });
      }
      return { productId: p.id, sku: p.sku, name: p.name, quantity: i.quantity, unitPriceCents: p.unitPriceCents, lineTotalCents: lineTotalCents({ quantity: i.quantity, unitPriceCents: p.unitPriceCents }) };
    });
  return { lines, subtotalCents: subtotalCents(lines) };
}

/** The session's shipping address, or ILLEGAL_STATE when none is set yet. */
export function sessionAddress(session: LoadedSession): AddressInput {
  if (!session.address) throw new AppError('ILLEGAL_STATE', 'Set a shipping address first.');
  return toAddressInput(session.address);
}

export function taxRequestFor(lines: readonly QuoteLine[], discountCents: number, shippingCents: number, to: AddressInput): TaxRequest {
  const shares = lineDiscounts(lines, discountCents);
  const sub = subtotalCents(lines);
  return {
    to,
    lines: lines.map((l, i) => ({ productId: l.productId, quantity: l.quantity, unitPriceCents: l.unitPriceCents, discountCents: shares[i] ?? 0 })),
    shippingCents,
    amountCents: sub - Math.min(discountCents, sub),
  };
}
