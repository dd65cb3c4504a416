// Order sessions (spec 004): a customer's order in progress, one active session per customer and tenant
// (unique active slot). Each step reads the session, checks its preconditions on what it read, and writes
// the change with compare-and-set on the row's version (see step()), re-deriving the state
// (session-state.ts) and extending the expiry. A session inactive for ORDER_SESSION_TTL_MINUTES is ended
// (EXPIRED) the next time it is touched.
import { z } from 'zod';
import { PaymentMethod } from '../../generated/prisma/index.js';
import type { Clock } from '../../platform/clock.js';
import { Prisma, type Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import { memberMayBuy } from '../catalog/role-gate.js';
import { addressInputSchema, type AddressInput } from '../customers/address.schema.js';
import type { CustomerService } from '../customers/customer.service.js';
import type { DiscountService } from '../discounts/discount.service.js';
import { priceSession, sessionAddress, taxRequestFor, type Quote } from '../orders/order-quote.js';
import { composeTotals } from '../orders/pricing.js';
import type { TaxPort } from '../tax/tax.port.js';
import { deriveState } from './session-state.js';
import { expireSession, loadActiveSession, loadSessionById, toSessionView, type LoadedProduct, type LoadedSession, type SessionView } from './session-store.js';

export interface OrderSessionDeps {
  db: Db;
  clock: Clock;
  customers: CustomerService;
  discounts: DiscountService;
  tax: TaxPort;
  /** ORDER_SESSION_TTL_MINUTES (default 30). */
  ttlMinutes: number;
}

const setItemSchema = z.object({
  productId: z.string().min(1).max(64),
  /** The new quantity of the line; 0 removes it. */
  quantity: z.coerce.number().int().min(0).max(999),
  memberRoleIds: z.array(z.string()).max(250),
});
const setAddressSchema = z.union([
  z.object({ addressId: z.string().min(1).max(64) }),
  z.object({ address: addressInputSchema }),
]);
const pendingAddressSchema = z.object({ original: addressInputSchema, suggested: addressInputSchema });
const paymentMethodSchema = z.enum(PaymentMethod, { error: `one of ${Object.values(PaymentMethod).join(', ')}` });

export interface OrderSessionService {
  /** Returns the active session (resumed: true) or opens a new one; an expired one is ended first. */
  start(tenantId: string, customerId: string, opts?: { guildId?: string }): Promise<{ session: SessionView; resumed: boolean }>;
  /** The active, unexpired session or null (an expired one is ended). */
  getActive(tenantId: string, customerId: string): Promise<SessionView | null>;
  /** Sets a line's quantity (0 removes it). NOT_FOUND (product unknown or inactive), ROLE_REQUIRED, OUT_OF_STOCK (fewer units than asked right now). */
  setItem(tenantId: string, customerId: string, input: { productId: string; quantity: number; memberRoleIds: string[] }): Promise<SessionView>;
  removeItem(tenantId: string, customerId: string, productId: string): Promise<SessionView>;
  /** A saved address of the customer, or a new one (saved for reuse). Needs at least one item (ILLEGAL_STATE). */
  setAddress(tenantId: string, customerId: string, input: { addressId: string } | { address: AddressInput }): Promise<SessionView>;
  /** Keeps a validation suggestion on the session until the customer accepts it or keeps the original. */
  setPendingAddress(tenantId: string, customerId: string, input: { original: AddressInput; suggested: AddressInput }): Promise<SessionView>;
  acceptCorrectedAddress(tenantId: string, customerId: string): Promise<SessionView>;
  keepOriginalAddress(tenantId: string, customerId: string): Promise<SessionView>;
  /** An active shipping type of the tenant (NOT_FOUND otherwise). Needs at least one item. */
  setShippingType(tenantId: string, customerId: string, shippingTypeId: string): Promise<SessionView>;
  /**
   * Needs items, an address and, when the tenant has active shipping types, a chosen one (ILLEGAL_STATE);
   * the method must be one the tenant enabled (PAYMENT_METHOD_NOT_ENABLED). Moves to READY_TO_SUBMIT.
   */
  setPaymentMethod(tenantId: string, customerId: string, method: string): Promise<SessionView>;
  /** Ends the active session (no-op when there is none). */
  cancel(tenantId: string, customerId: string): Promise<{ cancelled: boolean }>;
  /**
   * What submit would charge now: catalog prices, best discount, shipping, tax (TAX_SERVICE_UNAVAILABLE
   * when the tenant's tax provider cannot answer), total. Needs items (SESSION_EMPTY) and an address.
   */
  review(tenantId: string, customerId: string): Promise<Quote>;
}

const NO_SESSION = () => new AppError('NOT_FOUND', 'You have no order in progress: start one with /order.');
const EXPIRED = () => new AppError('SESSION_EXPIRED', 'Your order session expired after a period of inactivity: start again with /order.');

export function createOrderSessionService(deps: OrderSessionDeps): OrderSessionService {
  const { db, clock, customers, discounts, tax } = deps;
  const ttlMs = deps.ttlMinutes * 60_000;

  /** What a step changes on the session row. */
  type Patch = Partial<Pick<LoadedSession, 'items' | 'addressId' | 'address' | 'pendingAddress' | 'shippingTypeId' | 'shippingType' | 'paymentMethod'>>;
  /** The item write a step makes together with the session row (same statement). */
  type ItemWrite = { upsert: { productId: string; quantity: number } } | { remove: string };

  /**
   * Runs one step with compare-and-set: the session is read, `plan` checks the step's preconditions on it
   * and says what changes; then ONE statement writes the session row (re-derived state, extended expiry)
   * and the item change, only if the row is still the version that was read and still active. A concurrent
   * step, submit, cancel or expiry makes that write match nothing, and the step starts over on fresh data.
   * (One statement instead of a locking transaction: each round trip through the ORM is the dominant cost
   * of the order flow here; see bench:orders.) An expired session is ended and SESSION_EXPIRED thrown.
   */
  async function step(tenantId: string, customerId: string, plan: (s: LoadedSession) => Promise<{ patch: Patch; item?: ItemWrite }>): Promise<SessionView> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const s = await loadActiveSession(db, tenantId, customerId);
      if (!s) throw NO_SESSION();
      const now = clock.now();
      if (s.expiresAt <= now) {
        await expireSession(db, s.id);
        throw EXPIRED();
      }
      const { patch, item } = await plan(s);
      const next: LoadedSession = { ...s, ...patch };
      const state = deriveState({ itemCount: next.items.length, hasAddress: next.addressId !== null, hasPaymentMethod: next.paymentMethod !== null });
      const expiresAt = new Date(now.getTime() + ttlMs);
      const pending = next.pendingAddress == null ? null : JSON.stringify(next.pendingAddress);
      const itemSql = !item
        ? Prisma.empty
        : 'upsert' in item
          ? Prisma.sql`, item AS (
              INSERT INTO order_session_items ("sessionId", "productId", quantity)
              SELECT id, ${item.upsert.productId}, ${item.upsert.quantity} FROM cas
              ON CONFLICT ("sessionId", "productId") DO UPDATE SET quantity = EXCLUDED.quantity RETURNING 1)`
          : Prisma.sql`, item AS (
              DELETE FROM order_session_items WHERE "sessionId" IN (SELECT id FROM cas) AND "productId" = ${item.remove} RETURNING 1)`;
      const [written] = await db.$queryRaw<{ n: number }[]>`
        WITH cas AS (
          UPDATE order_sessions SET state = ${state}::"OrderSessionState", "addressId" = ${next.addressId}, "pendingAddress" = ${pending}::jsonb,
            "shippingTypeId" = ${next.shippingTypeId}, "paymentMethod" = ${next.paymentMethod}::"PaymentMethod",
            "lastActivityAt" = ${now}, "expiresAt" = ${expiresAt}, "updatedAt" = clock_timestamp()
          WHERE id = ${s.id} AND "activeSlot" = 1 AND "updatedAt"::text = ${s.version}
          RETURNING id
        )${itemSql}
        SELECT count(*)::int AS n FROM cas`;
      if (written?.n === 1) return toSessionView({ ...next, state, lastActivityAt: now, expiresAt });
    }
    throw new AppError('CONFLICT', 'Your order is being changed from somewhere else: try again.');
  }

  const requireItems = (s: LoadedSession, what: string) => {
    if (s.items.length === 0) throw new AppError('ILLEGAL_STATE', `Add a product before ${what}.`);
  };

  async function useAddress(s: LoadedSession, input: { addressId: string } | { address: AddressInput }): Promise<{ patch: Patch }> {
    // The saved address is written first, outside the session's compare-and-set: if the step has to start
    // over it is found again (same place), never duplicated.
    const address = 'addressId' in input
      ? await customers.useSavedAddress(db, s.tenantId, s.customerId, input.addressId)
      : await customers.saveAddress(db, s.tenantId, s.customerId, input.address);
    return { patch: { addressId: address.id, address, pendingAddress: null } };
  }

  /** Extends the active session, ending an expired one on the way; its view, or null when none is active. */
  async function resume(tenantId: string, customerId: string): Promise<SessionView | null> {
    const now = clock.now();
    const touched = await db.$queryRaw<{ id: string }[]>`
      WITH expired AS (
        UPDATE order_sessions SET "activeSlot" = NULL, "endReason" = 'EXPIRED', "updatedAt" = clock_timestamp()
        WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND "activeSlot" = 1 AND "expiresAt" <= ${now}
        RETURNING id
      ), touched AS (
        UPDATE order_sessions SET "lastActivityAt" = ${now}, "expiresAt" = ${new Date(now.getTime() + ttlMs)}, "updatedAt" = clock_timestamp()
        WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND "activeSlot" = 1 AND "expiresAt" > ${now}
        RETURNING id
      )
      SELECT id FROM touched`;
    if (!touched[0]) return null;
    const s = await loadSessionById(db, tenantId, touched[0].id);
    return s ? toSessionView(s) : null;
  }

  /** Opens a session, or null when the customer is not the tenant's or already has an active one (the unique active slot). */
  async function open(tenantId: string, customerId: string, guildId: string | null): Promise<SessionView | null> {
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + ttlMs);
    // INSERT ... SELECT FROM customers: the customer must be this tenant's.
    const created = await db.$queryRaw<{ id: string; currency: string }[]>`
      WITH ins AS (
        INSERT INTO order_sessions ("tenantId", "customerId", "guildId", "lastActivityAt", "expiresAt", "createdAt", "updatedAt")
        SELECT c."tenantId", c.id, ${guildId}, ${now}, ${expiresAt}, ${now}, clock_timestamp()
        FROM customers c WHERE c.id = ${customerId} AND c."tenantId" = ${tenantId}
        ON CONFLICT ("tenantId", "customerId", "activeSlot") DO NOTHING
        RETURNING id, "tenantId"
      )
      SELECT ins.id, t.currency FROM ins JOIN tenants t ON t.id = ins."tenantId"`;
    const row = created[0];
    if (!row) return null;
    return {
      id: row.id, tenantId, customerId, guildId, state: 'COLLECTING_ITEMS', items: [], subtotalCents: 0, currency: row.currency.trim(),
      address: null, pendingAddress: null, shippingType: null, paymentMethod: null, lastActivityAt: now, expiresAt,
    };
  }

  return {
    async start(tenantId, customerId, opts = {}) {
      // Open first (the usual case: /order with nothing in progress); when the active slot is taken,
      // resume that session (an expired one is ended by resume, and the next turn opens a new one).
      for (let attempt = 0; attempt < 3; attempt++) {
        const opened = await open(tenantId, customerId, opts.guildId ?? null);
        if (opened) return { session: opened, resumed: false };
        const resumed = await resume(tenantId, customerId);
        if (resumed) return { session: resumed, resumed: true };
        const customer = await db.customer.findFirst({ where: { id: customerId, tenantId }, select: { id: true } });
        if (!customer) throw new AppError('NOT_FOUND', 'Customer not found');
      }
      throw new AppError('CONFLICT', 'Your order session is busy: try again.');
    },

    async getActive(tenantId, customerId) {
      const s = await loadActiveSession(db, tenantId, customerId);
      if (!s) return null;
      if (s.expiresAt <= clock.now()) {
        await expireSession(db, s.id);
        return null;
      }
      return toSessionView(s);
    },

    async setItem(tenantId, customerId, input) {
      const { productId, quantity, memberRoleIds } = parseInput(setItemSchema, input, 'item');
      return step(tenantId, customerId, async (s) => {
        if (quantity === 0) return { patch: { items: s.items.filter((i) => i.productId !== productId) }, item: { remove: productId } };
        const products = await db.$queryRaw<LoadedProduct[]>`
          SELECT id, "tenantId", sku, name, "unitPriceCents", currency, active, "requiredRoleIds", "trackStock", stock
          FROM products WHERE id = ${productId} AND "tenantId" = ${tenantId}`;
        const product = products[0];
        if (!product || !product.active) throw new AppError('NOT_FOUND', 'That product is not available.', { productId });
        if (!memberMayBuy(product, memberRoleIds)) {
          throw new AppError('ROLE_REQUIRED', `${product.name} is only available to members with a specific role.`, { productId, name: product.name, requiredRoleIds: product.requiredRoleIds });
        }
        if (product.currency.trim() !== s.tenant.currency) throw new AppError('CURRENCY_MISMATCH', `${product.name} is priced in ${product.currency}, but this shop sells in ${s.tenant.currency}.`, { productId });
        // An early, friendly check; the binding one is the reservation at submit.
        if (s.tenant.inventoryTracking && product.trackStock && product.stock < quantity) {
          throw new AppError('OUT_OF_STOCK', product.stock > 0 ? `Only ${product.stock} of ${product.name} left.` : `${product.name} is out of stock.`, { productId, name: product.name, available: product.stock, requested: quantity });
        }
        const line = { productId, quantity, product };
        const items = s.items.some((i) => i.productId === productId) ? s.items.map((i) => (i.productId === productId ? line : i)) : [...s.items, line];
        return { patch: { items }, item: { upsert: { productId, quantity } } };
      });
    },

    async removeItem(tenantId, customerId, productId) {
      const id = String(productId);
      return step(tenantId, customerId, async (s) => ({ patch: { items: s.items.filter((i) => i.productId !== id) }, item: { remove: id } }));
    },

    async setAddress(tenantId, customerId, input) {
      const parsed = parseInput(setAddressSchema, input, 'address');
      return step(tenantId, customerId, async (s) => {
        requireItems(s, 'the shipping address');
        return useAddress(s, parsed);
      });
    },

    async setPendingAddress(tenantId, customerId, input) {
      const pending = parseInput(pendingAddressSchema, input, 'address');
      return step(tenantId, customerId, async (s) => {
        requireItems(s, 'the shipping address');
        return { patch: { pendingAddress: pending } };
      });
    },

    async acceptCorrectedAddress(tenantId, customerId) {
      return step(tenantId, customerId, async (s) => {
        const pending = pendingAddressSchema.safeParse(s.pendingAddress);
        if (!pending.success) throw new AppError('ILLEGAL_STATE', 'There is no suggested address to accept: enter your address again.');
        return useAddress(s, { address: pending.data.suggested });
      });
    },

    async keepOriginalAddress(tenantId, customerId) {
      return step(tenantId, customerId, async (s) => {
        const pending = pendingAddressSchema.safeParse(s.pendingAddress);
        if (!pending.success) throw new AppError('ILLEGAL_STATE', 'There is no address waiting for confirmation: enter your address again.');
        return useAddress(s, { address: pending.data.original });
      });
    },

    async setShippingType(tenantId, customerId, shippingTypeId) {
      const id = parseInput(z.string().min(1).max(64), shippingTypeId, 'shipping type');
      return step(tenantId, customerId, async (s) => {
        requireItems(s, 'choosing shipping');
        // Only an active shipping type of this tenant is accepted.
        const types = await db.$queryRaw<{ id: string; name: string; priceCents: number; active: boolean }[]>`
          SELECT id, name, "priceCents", active FROM shipping_types WHERE id = ${id} AND "tenantId" = ${tenantId} AND active`;
        if (!types[0]) throw new AppError('NOT_FOUND', 'That shipping option is not available.');
        return { patch: { shippingTypeId: types[0].id, shippingType: types[0] } };
      });
    },

    async setPaymentMethod(tenantId, customerId, method) {
      const m = parseInput(paymentMethodSchema, method, 'payment method');
      return step(tenantId, customerId, async (s) => {
        requireItems(s, 'choosing how to pay');
        if (!s.addressId) throw new AppError('ILLEGAL_STATE', 'Set the shipping address before choosing how to pay.');
        if (!s.shippingTypeId && s.tenant.activeShippingTypes > 0) throw new AppError('ILLEGAL_STATE', 'Choose a shipping option before choosing how to pay.');
        if (!s.tenant.enabledPaymentMethods.includes(m)) throw new AppError('PAYMENT_METHOD_NOT_ENABLED', 'This shop does not accept that payment method.', { method: m });
        return { patch: { paymentMethod: m } };
      });
    },

    async cancel(tenantId, customerId) {
      const done = await db.orderSession.updateMany({ where: { tenantId, customerId, activeSlot: 1 }, data: { activeSlot: null, endReason: 'CANCELLED' } });
      return { cancelled: done.count > 0 };
    },

    async review(tenantId, customerId) {
      const s = await loadActiveSession(db, tenantId, customerId);
      if (!s) throw NO_SESSION();
      const now = clock.now();
      if (s.expiresAt <= now) {
        await expireSession(db, s.id);
        throw EXPIRED();
      }
      const { lines, subtotalCents } = priceSession(s);
      const address = sessionAddress(s);
      const discount = await discounts.resolveBestForCustomer(db, { tenantId, customerId, subtotalCents, now });
      const shippingCents = s.shippingType?.priceCents ?? 0;
      const discountCents = Math.min(discount?.amountCents ?? 0, subtotalCents);
      const taxAmountCents = await tax.taxForOrder(s.tenant, taxRequestFor(lines, discountCents, shippingCents, address));
      const totals = composeTotals({ subtotalCents, discountCents, shippingCents, taxAmountCents });
      // Looking at the summary is activity: it keeps the session alive.
      await db.$executeRaw`UPDATE order_sessions SET "lastActivityAt" = ${now}, "expiresAt" = ${new Date(now.getTime() + ttlMs)} WHERE id = ${s.id} AND "activeSlot" = 1`;
      return {
        lines,
        ...totals,
        discountName: discount && totals.discountCents > 0 ? discount.name : null,
        shippingTypeName: s.shippingType?.name ?? null,
        currency: s.tenant.currency,
        paymentMethod: s.paymentMethod,
        address,
      };
    },
  };
}
