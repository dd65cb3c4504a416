// Order sessions (spec 004): a customer's order in progress, one active session per customer and tenant
// (unique active slot). Each step reads the session, checks its preconditions on what it read, and writes
// the change with compare-and-set on the row's version (see step()), re-deriving the state
// (session-state.ts) and extending the expiry. A session inactive for ORDER_SESSION_TTL_MINUTES is ended
// (EXPIRED) the next time it is touched.
// Every statement runs on the plain-SQL client (platform/db/sql.ts: prepared statements, no ORM cost): this
// is the hot path of the shop (bench:orders).
import { z } from 'zod';
import { PaymentMethod } from '../../../generated/prisma/index.js';
import type { Clock } from '../../../platform/clock.js';
import { Prisma } from '../../../platform/db/prisma.js';
import type { SqlClient } from '../../../platform/db/sql.js';
import { AppError } from '../../../platform/errors.js';
import { parseInput } from '../../../platform/validate.js';
import { assertRules, guardSql, hasItemsRule, paymentRules, productRules, shippingTypeRules } from '../selection-rules.js';
import { consentOf, quoteFingerprint } from '../quote/quote-consent.js';
import { createSessionClock } from './session-clock.js';
import { noSession, sessionExpired } from './session-errors.js';
import { addressInputSchema, type AddressInput } from '../../customers/address.schema.js';
import { exactSavedAddressSql, savedAddressesSql, useAddressSql, type SavedAddress } from '../../customers/address.store.js';
import type { DiscountService } from '../../discounts/discount.service.js';
import { buildQuote, priceSession, sessionAddress, taxRequestFor, type Quote } from '../quote/order-quote.js';
import type { TaxPort } from '../../tax/tax.port.js';
import { deriveState } from './session-state.js';
import { casActiveSession, expireSession, loadActiveSession, loadSessionById, toSessionView, type LoadedProduct, type LoadedSession, type SessionView } from './session-store.js';

export interface OrderSessionDeps {
  /** The plain-SQL client: every statement of the order flow runs on it (platform/db/sql.ts). */
  sql: SqlClient;
  clock: Clock;
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
  review(tenantId: string, customerId: string): Promise<ReviewedQuote>;
}

/** A review: the quote, stored on the session as what the customer is shown, and its fingerprint (quote-consent.ts). */
export type ReviewedQuote = Quote & { fingerprint: string };

export function createOrderSessionService(deps: OrderSessionDeps): OrderSessionService {
  const { sql, discounts, tax } = deps;
  const clock = createSessionClock(deps.clock, deps.ttlMinutes);

  /** What a step changes on the session row. */
  type Patch = Partial<Pick<LoadedSession, 'items' | 'addressId' | 'address' | 'pendingAddress' | 'shippingTypeId' | 'shippingType' | 'paymentMethod'>>;
  /** The item write a step makes together with the session row (same statement). */
  type ItemWrite = { upsert: { productId: string; quantity: number } } | { remove: string };

  /**
   * Runs one step with compare-and-set: the session is read, `plan` checks the step's preconditions on it
   * and says what changes; then ONE statement writes the session row (re-derived state, extended expiry)
   * and the item change, only if the row is still the version that was read and still active. A concurrent
   * step, submit, cancel or expiry makes that write match nothing, and the step starts over on fresh data.
   * (One statement instead of a locking transaction: round trips are the dominant cost of the order flow;
   * see bench:orders.) An expired session is ended and SESSION_EXPIRED thrown.
   */
  async function step(
    tenantId: string,
    customerId: string,
    plan: (s: LoadedSession & { extra?: SavedAddress[] }) => Promise<{ patch: Patch; item?: ItemWrite; address?: Prisma.Sql }>,
    opts: { savedAddresses?: boolean } = {},
  ): Promise<SessionView> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const s = await loadActiveSession<SavedAddress[]>(sql, tenantId, customerId, opts.savedAddresses ? { extra: savedAddressesSql(tenantId, customerId) } : {});
      if (!s) throw noSession();
      const now = clock.now();
      if (clock.isExpired(s, now)) {
        await expireSession(sql, s.id);
        throw sessionExpired();
      }
      const { patch, item, address } = await plan(s);
      const next: LoadedSession = { ...s, ...patch };
      const state = deriveState({ itemCount: next.items.length, hasAddress: next.addressId !== null || address !== undefined, hasPaymentMethod: next.paymentMethod !== null });
      const expiresAt = clock.expiresAt(now);
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
      // An address step marks the saved address used (or saves a new one) in a CTE of the same statement,
      // and the session takes that row's id. Like a write before the compare-and-set, it stays done when the
      // session write does not match: the retry finds the same address again, never a duplicate.
      const [written] = await sql.query<{ n: number; address: LoadedSession['address'] }>(Prisma.sql`
        WITH ${address ? Prisma.sql`addr AS (${address}), ` : Prisma.empty}cas AS (
          UPDATE order_sessions SET state = ${state}::"OrderSessionState",
            "addressId" = ${address ? Prisma.sql`(SELECT id FROM addr)` : Prisma.sql`${next.addressId}`}, "pendingAddress" = ${pending}::jsonb,
            "shippingTypeId" = ${next.shippingTypeId}, "paymentMethod" = ${next.paymentMethod}::"PaymentMethod",
            "lastActivityAt" = ${now}, "expiresAt" = ${expiresAt}, "updatedAt" = clock_timestamp()
          WHERE id = ${s.id} AND "activeSlot" = 1 AND "updatedAt"::text = ${s.version}${address ? Prisma.sql` AND EXISTS (SELECT 1 FROM addr)` : Prisma.empty}
          RETURNING id
        )${itemSql}
        SELECT (SELECT count(*)::int FROM cas) AS n, ${address ? Prisma.sql`(SELECT row_to_json(addr) FROM addr)` : Prisma.sql`NULL::json`} AS address`);
      if (written?.n === 1) {
        const view = address && written.address ? { ...next, addressId: written.address.id, address: written.address } : next;
        return toSessionView({ ...view, state, lastActivityAt: now, expiresAt });
      }
    }
    throw new AppError('CONFLICT', 'Your order is being changed from somewhere else: try again.');
  }

  /**
   * The one-statement fast path of a step (casActiveSession): the step's preconditions as SQL `guard`, its
   * write as `set`. On null (a precondition failed, the session expired or changed concurrently, or there
   * is none) the caller falls back to step(), which re-reads and decides exactly as before. Steps are the
   * bulk of the order flow's round trips, and each costs far more than its SQL (bench:orders).
   */
  function fastStep<E = never>(tenantId: string, customerId: string, q: { guard: Prisma.Sql; set: Prisma.Sql; ctes?: Prisma.Sql; extra?: Prisma.Sql }) {
    const now = clock.now();
    return casActiveSession<E>(sql, { tenantId, customerId, now, expiresAt: clock.expiresAt(now), ...q });
  }
  /**
   * deriveState in SQL for a session that has at least one item. In SET, `s` is the row as it was before
   * the write: only for steps that change neither the address nor the payment method.
   */
  const STATE_WITH_ITEMS = Prisma.sql`(CASE WHEN s."addressId" IS NULL THEN 'COLLECTING_SHIPPING' WHEN s."paymentMethod" IS NULL THEN 'SELECTING_PAYMENT' ELSE 'READY_TO_SUBMIT' END)::"OrderSessionState"`;
  const addressRules = [hasItemsRule('the shipping address')];
  const HAS_ITEMS = guardSql(addressRules);
  const requireItems = (s: LoadedSession, what: string) => assertRules([hasItemsRule(what)], { session: s });

  /**
   * The address steps: the customer's saved addresses come with the session (step's `savedAddresses`), and
   * marking one used or saving a new one is part of the session's write (address.store.ts), with the same
   * rules as customers.useSavedAddress / saveAddress (NOT_FOUND for an address not the customer's).
   */
  async function useAddress(s: LoadedSession & { extra?: SavedAddress[] }, input: { addressId: string } | { address: AddressInput }): Promise<{ patch: Patch; address: Prisma.Sql }> {
    const address = useAddressSql(s.tenantId, s.customerId, s.extra ?? [], input, clock.now());
    return { patch: { pendingAddress: null }, address };
  }

  /** Extends the active session, ending an expired one on the way; its view, or null when none is active. */
  async function resume(tenantId: string, customerId: string): Promise<SessionView | null> {
    const now = clock.now();
    const touched = await sql.query<{ id: string }>(Prisma.sql`
      WITH expired AS (
        UPDATE order_sessions SET "activeSlot" = NULL, "endReason" = 'EXPIRED', "updatedAt" = clock_timestamp()
        WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND "activeSlot" = 1 AND "expiresAt" <= ${now}
        RETURNING id
      ), touched AS (
        UPDATE order_sessions SET "lastActivityAt" = ${now}, "expiresAt" = ${clock.expiresAt(now)}, "updatedAt" = clock_timestamp()
        WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND "activeSlot" = 1 AND "expiresAt" > ${now}
        RETURNING id
      )
      SELECT id FROM touched`);
    if (!touched[0]) return null;
    const s = await loadSessionById(sql, tenantId, touched[0].id);
    return s ? toSessionView(s) : null;
  }

  /** Opens a session, or null when the customer is not the tenant's or already has an active one (the unique active slot). */
  async function open(tenantId: string, customerId: string, guildId: string | null): Promise<SessionView | null> {
    const now = clock.now();
    const expiresAt = clock.expiresAt(now);
    // INSERT ... SELECT FROM customers: the customer must be this tenant's.
    const created = await sql.query<{ id: string; currency: string }>(Prisma.sql`
      WITH ins AS (
        INSERT INTO order_sessions ("tenantId", "customerId", "guildId", "lastActivityAt", "expiresAt", "createdAt", "updatedAt")
        SELECT c."tenantId", c.id, ${guildId}, ${now}, ${expiresAt}, ${now}, clock_timestamp()
        FROM customers c WHERE c.id = ${customerId} AND c."tenantId" = ${tenantId}
        ON CONFLICT ("tenantId", "customerId", "activeSlot") DO NOTHING
        RETURNING id, "tenantId"
      )
      SELECT ins.id, t.currency FROM ins JOIN tenants t ON t.id = ins."tenantId"`);
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
        const [customer] = await sql.query<{ id: string }>(Prisma.sql`SELECT id FROM customers WHERE id = ${customerId} AND "tenantId" = ${tenantId}`);
        if (!customer) throw new AppError('NOT_FOUND', 'Customer not found');
      }
      throw new AppError('CONFLICT', 'Your order session is busy: try again.');
    },

    async getActive(tenantId, customerId) {
      const s = await loadActiveSession(sql, tenantId, customerId);
      if (!s) return null;
      if (clock.isExpired(s, clock.now())) {
        await expireSession(sql, s.id);
        return null;
      }
      return toSessionView(s);
    },

    async setItem(tenantId, customerId, input) {
      const { productId, quantity, memberRoleIds } = parseInput(setItemSchema, input, 'item');
      // The product rules (selection-rules.ts): the fast path's guard and the long way's errors.
      const rules = productRules({ quantity, memberRoleIds });
      if (quantity > 0) {
        // Fast path: the same checks as below (product active and the tenant's, role gate, currency, early
        // stock check), the session write and the item upsert in one statement.
        const fast = await fastStep<LoadedProduct>(tenantId, customerId, {
          guard: Prisma.sql`EXISTS (SELECT 1 FROM products p WHERE p.id = ${productId} AND ${guardSql(rules)})`,
          set: Prisma.sql`state = ${STATE_WITH_ITEMS}`,
          ctes: Prisma.sql`, item AS (
              INSERT INTO order_session_items ("sessionId", "productId", quantity)
              SELECT id, ${productId}, ${quantity} FROM cas
              ON CONFLICT ("sessionId", "productId") DO UPDATE SET quantity = EXCLUDED.quantity RETURNING 1)`,
          extra: Prisma.sql`(SELECT json_build_object('id', p.id, 'tenantId', p."tenantId", 'sku', p.sku, 'name', p.name, 'unitPriceCents', p."unitPriceCents",
              'currency', p.currency, 'active', p.active, 'requiredRoleIds', p."requiredRoleIds", 'trackStock', p."trackStock", 'stock', p.stock)
            FROM products p WHERE p.id = ${productId})`,
        });
        if (fast) {
          // `extra` is the product the guard just matched, read in the same statement.
          const line = { productId, quantity, product: fast.extra as LoadedProduct };
          const items = fast.items.some((i) => i.productId === productId) ? fast.items.map((i) => (i.productId === productId ? line : i)) : [...fast.items, line];
          return toSessionView({ ...fast, items });
        }
      }
      return step(tenantId, customerId, async (s) => {
        if (quantity === 0) return { patch: { items: s.items.filter((i) => i.productId !== productId) }, item: { remove: productId } };
        const products = await sql.query<LoadedProduct>(Prisma.sql`
          SELECT id, "tenantId", sku, name, "unitPriceCents", currency, active, "requiredRoleIds", "trackStock", stock
          FROM products WHERE id = ${productId} AND "tenantId" = ${tenantId}`);
        const product = products[0];
        if (!product) throw new AppError('NOT_FOUND', 'That product is not available.', { productId });
        assertRules(rules, { tenant: s.tenant, product, choosing: true });
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
      if ('address' in parsed) {
        // Fast path, for an address the customer saved before with exactly these fields (the usual repeat
        // order): items present; the session takes it and it is marked used (name refreshed when given), in
        // one statement. Anything else (a new address, one differing in case or spacing) goes the long way.
        const a = parsed.address;
        const same = exactSavedAddressSql(tenantId, customerId, a);
        const fast = await fastStep(tenantId, customerId, {
          guard: Prisma.sql`${HAS_ITEMS} AND EXISTS (SELECT 1 FROM addresses a WHERE ${same})`,
          // SET sees the row before the write: with items and now an address, only the payment method decides.
          set: Prisma.sql`state = (CASE WHEN s."paymentMethod" IS NULL THEN 'SELECTING_PAYMENT' ELSE 'READY_TO_SUBMIT' END)::"OrderSessionState",
            "addressId" = (SELECT a.id FROM addresses a WHERE ${same} ORDER BY a.id LIMIT 1), "pendingAddress" = NULL`,
          ctes: Prisma.sql`, used AS (
              UPDATE addresses SET "lastUsedAt" = ${clock.now()}, name = COALESCE(${a.name ?? null}, name)
              WHERE id = (SELECT "addressId" FROM cas) RETURNING 1)`,
        });
        if (fast?.address) {
          // The view's address row was read before the name refresh in the same statement.
          return toSessionView({ ...fast, address: { ...fast.address, name: a.name ?? fast.address.name } });
        }
        if (fast) return toSessionView(fast);
      }
      return step(tenantId, customerId, async (s) => {
        requireItems(s, 'the shipping address');
        return useAddress(s, parsed);
      }, { savedAddresses: true });
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
      }, { savedAddresses: true });
    },

    async keepOriginalAddress(tenantId, customerId) {
      return step(tenantId, customerId, async (s) => {
        const pending = pendingAddressSchema.safeParse(s.pendingAddress);
        if (!pending.success) throw new AppError('ILLEGAL_STATE', 'There is no address waiting for confirmation: enter your address again.');
        return useAddress(s, { address: pending.data.original });
      }, { savedAddresses: true });
    },

    async setShippingType(tenantId, customerId, shippingTypeId) {
      const id = parseInput(z.string().min(1).max(64), shippingTypeId, 'shipping type');
      // Fast path: items present, an active shipping type of this tenant; the write in the same statement.
      const fast = await fastStep(tenantId, customerId, {
        guard: Prisma.sql`${guardSql([hasItemsRule('choosing shipping')])} AND EXISTS (SELECT 1 FROM shipping_types x WHERE x.id = ${id} AND ${guardSql(shippingTypeRules())})`,
        set: Prisma.sql`state = ${STATE_WITH_ITEMS}, "shippingTypeId" = ${id}`,
      });
      if (fast) return toSessionView(fast);
      return step(tenantId, customerId, async (s) => {
        requireItems(s, 'choosing shipping');
        // Only an active shipping type of this tenant is accepted.
        const types = await sql.query<{ id: string; name: string; priceCents: number; active: boolean }>(Prisma.sql`
          SELECT id, name, "priceCents", active FROM shipping_types WHERE id = ${id} AND "tenantId" = ${tenantId}`);
        const type = types[0] ?? null;
        // An unknown id reads as "not available", like an inactive one.
        assertRules(shippingTypeRules(), { shippingType: type, tenantId, choosing: true });
        return { patch: { shippingTypeId: type!.id, shippingType: type } };
      });
    },

    async setPaymentMethod(tenantId, customerId, method) {
      const m = parseInput(paymentMethodSchema, method, 'payment method');
      // Fast path: items, an address, a shipping type when the tenant has active ones, a method the tenant
      // enabled; the write in the same statement.
      const rules = paymentRules(m);
      const fast = await fastStep(tenantId, customerId, {
        guard: guardSql(rules),
        set: Prisma.sql`state = 'READY_TO_SUBMIT'::"OrderSessionState", "paymentMethod" = ${m}::"PaymentMethod"`,
      });
      if (fast) return toSessionView(fast);
      return step(tenantId, customerId, async (s) => {
        assertRules(rules, { session: s });
        return { patch: { paymentMethod: m } };
      });
    },

    async cancel(tenantId, customerId) {
      const done = await sql.execute(Prisma.sql`
        UPDATE order_sessions SET "activeSlot" = NULL, "endReason" = 'CANCELLED', "updatedAt" = clock_timestamp()
        WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND "activeSlot" = 1`);
      return { cancelled: done > 0 };
    },

    async review(tenantId, customerId) {
      const s = await loadActiveSession(sql, tenantId, customerId);
      if (!s) throw noSession();
      const now = clock.now();
      if (clock.isExpired(s, now)) {
        await expireSession(sql, s.id);
        throw sessionExpired();
      }
      const { lines, subtotalCents } = priceSession(s);
      const address = sessionAddress(s);
      const discount = await discounts.resolveBestForCustomer(sql, { tenantId, customerId, subtotalCents, now });
      const shippingCents = s.shippingType?.priceCents ?? 0;
      const discountCents = Math.min(discount?.amountCents ?? 0, subtotalCents);
      const taxAmountCents = await tax.taxForOrder(s.tenant, taxRequestFor(lines, discountCents, shippingCents, address));
      const quote = buildQuote(s, { lines, subtotalCents, discount, taxAmountCents });
      const consented = consentOf(quote);
      // Looking at the summary is activity: it keeps the session alive. What it showed is stored: submit with
      // consent places the order only at these numbers (checkout/quote/quote-consent.ts). Not a new version of the
      // row ("updatedAt" stays): a concurrent step is not made to retry by a look at the summary.
      await sql.execute(Prisma.sql`UPDATE order_sessions SET "lastActivityAt" = ${now}, "expiresAt" = ${clock.expiresAt(now)}, "reviewedQuote" = ${JSON.stringify(consented)}::jsonb
        WHERE id = ${s.id} AND "activeSlot" = 1`);
      return { ...quote, fingerprint: quoteFingerprint(consented) };
    },
  };
}
