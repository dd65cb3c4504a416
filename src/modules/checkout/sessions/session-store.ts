// Loading and locking order sessions, and mapping them to the SessionView the surfaces render.
// Writers set "updatedAt" = clock_timestamp() (microseconds), so it serves as the row's version for the
// compare-and-set writes of the order steps.
// The session, its items with their products, its address, its shipping type and the tenant fields the
// order flow needs come back in ONE query (json_agg for the items): every order step loads a session, and
// each round trip costs far more than the SQL itself (see bench:orders). The order flow runs these on the
// plain-SQL client (platform/db/sql.ts); they take any SqlTarget, so a Prisma transaction can use them too.
import {
  Prisma,
  type OrderSessionEndReason,
  type OrderSessionState,
  type PaymentMethod,
  type Product,
} from '../../../generated/prisma/index.js';
import { executeSql, queryRows, type SqlTarget } from '../../../platform/db/sql.js';
import { toAddressInput, type AddressInput } from '../../customers/address.schema.js';
import type { SavedAddress } from '../../customers/address.store.js';
import type { QuoteLine } from '../quote/quote-line.js';
import { lineTotalCents } from '../quote/pricing.js';
import { WORKING_CONNECTION_SQL } from '../../payments-processor/connections/working-connection.js';
import type { ProviderId } from '../../payments-processor/providers/provider.port.js';

export interface LoadedProduct {
  id: string;
  tenantId: string;
  sku: string;
  name: string;
  unitPriceCents: number;
  currency: string;
  active: boolean;
  requiredRoleIds: string[];
  trackStock: boolean;
  stock: number;
  /** Whether it is goods to ship (catalog/shipped-goods.ts): a digital item, a role, or neither. */
  digitalKind: string | null;
  grantedRoleIds: string[];
  /** TaxJar product tax code, sent with the tax calculation (absent when the loader does not read it). */
  taxCode?: string | null;
}

export interface LoadedSession {
  id: string;
  tenantId: string;
  customerId: string;
  guildId: string | null;
  state: OrderSessionState;
  activeSlot: number | null;
  endReason: OrderSessionEndReason | null;
  addressId: string | null;
  pendingAddress: unknown;
  shippingTypeId: string | null;
  paymentMethod: PaymentMethod | null;
  /** What the last review showed (checkout/quote/quote-consent.ts), or null. */
  reviewedQuote: unknown;
  lastActivityAt: Date;
  expiresAt: Date;
  /** updatedAt as text (microseconds): the compare-and-set version of the session row. */
  version: string;
  items: { productId: string; quantity: number; product: LoadedProduct }[];
  address: {
    id: string;
    name: string | null;
    line1: string;
    line2: string | null;
    city: string;
    state: string | null;
    postalCode: string;
    country: string;
  } | null;
  shippingType: { id: string; name: string; priceCents: number; active: boolean; digitalOnly: boolean } | null;
  /** The tenant's settings the order flow reads with the session. */
  tenant: {
    id: string;
    currency: string;
    enabledPaymentMethods: PaymentMethod[];
    inventoryTracking: boolean;
    taxjarEnabled: boolean;
    taxjarApiKey: string | null;
    taxjarFromAddress: Prisma.JsonValue;
    addressValidation: boolean;
    /** tenants.paymentWindowMinutes: the shop's pay windows, set on the order submit places. */
    paymentWindowMinutes: Prisma.JsonValue;
    activeShippingTypes: number;
    /** Its active shipping types that are not digital-only (what a cart with goods to ship is offered). */
    activeShippedTypes: number;
    /** The providers the shop has a working connection to (the payment.payable rule's fact). */
    connectedProviders: ProviderId[];
  };
}

/** A line as review and submit price it (at the current catalog price; submit takes the price again). */
export interface SessionItemView extends QuoteLine {
  /** False when the product was deactivated after it was added: submit will refuse it. */
  available: boolean;
}

export interface SessionView {
  id: string;
  tenantId: string;
  customerId: string;
  guildId: string | null;
  state: OrderSessionState;
  items: SessionItemView[];
  subtotalCents: number;
  currency: string;
  address: (AddressInput & { id: string }) | null;
  /** A corrected address waiting for accept-corrected / keep-original. */
  pendingAddress: { original: AddressInput; suggested: AddressInput } | null;
  shippingType: { id: string; name: string; priceCents: number } | null;
  paymentMethod: PaymentMethod | null;
  lastActivityAt: Date;
  expiresAt: Date;
  /**
   * The customer's saved addresses (most recently used first), when the step read them in its own statement
   * because the address step comes next; absent otherwise (read them with CustomerService.listAddresses).
   */
  savedAddresses?: SavedAddress[];
  /**
   * The tenant's active products in menu order (role gates not applied), when the step read them in its own
   * statement because the product menu comes next (a session just opened); absent otherwise (read them with
   * CatalogService.listProducts).
   */
  activeProducts?: Product[];
}

export function toSessionView(s: LoadedSession): SessionView {
  const items = s.items.map((i) => ({
    productId: i.productId,
    sku: i.product.sku,
    name: i.product.name,
    quantity: i.quantity,
    unitPriceCents: i.product.unitPriceCents,
    lineTotalCents: lineTotalCents({ quantity: i.quantity, unitPriceCents: i.product.unitPriceCents }),
    available: i.product.active,
  }));
  return {
    id: s.id,
    tenantId: s.tenantId,
    customerId: s.customerId,
    guildId: s.guildId,
    state: s.state,
    items,
    subtotalCents: items.reduce((t, i) => t + i.lineTotalCents, 0),
    currency: s.tenant.currency,
    address: s.address ? { id: s.address.id, ...toAddressInput(s.address) } : null,
    pendingAddress: (s.pendingAddress as SessionView['pendingAddress']) ?? null,
    shippingType: s.shippingType ? { id: s.shippingType.id, name: s.shippingType.name, priceCents: s.shippingType.priceCents } : null,
    paymentMethod: s.paymentMethod,
    lastActivityAt: s.lastActivityAt,
    expiresAt: s.expiresAt,
  };
}

type Row = Omit<LoadedSession, 'tenant'> & {
  tenant: Omit<LoadedSession['tenant'], 'activeShippingTypes'> & { activeShippingTypes: number };
};

/** What the flow needs of a session row `s` (joined to `t`, `a`, `st` by FROM_JOINS): the LoadedSession columns. */
const COLUMNS = Prisma.sql`
    s.id, s."tenantId", s."customerId", s."guildId", s.state::text AS state, s."activeSlot", s."endReason"::text AS "endReason",
      s."addressId", s."pendingAddress", s."shippingTypeId", s."paymentMethod"::text AS "paymentMethod", s."reviewedQuote", s."lastActivityAt", s."expiresAt",
      s."updatedAt"::text AS version,
      COALESCE((
        SELECT json_agg(json_build_object('productId', i."productId", 'quantity', i.quantity, 'product', json_build_object(
          'id', p.id, 'tenantId', p."tenantId", 'sku', p.sku, 'name', p.name, 'unitPriceCents', p."unitPriceCents", 'currency', p.currency,
          'active', p.active, 'requiredRoleIds', p."requiredRoleIds", 'trackStock', p."trackStock", 'stock', p.stock, 'taxCode', p."taxCode",
          'digitalKind', p."digitalKind", 'grantedRoleIds', p."grantedRoleIds")) ORDER BY i."createdAt", i.id)
        FROM order_session_items i JOIN products p ON p.id = i."productId" WHERE i."sessionId" = s.id), '[]'::json) AS items,
      CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object('id', a.id, 'name', a.name, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
        'state', a.state, 'postalCode', a."postalCode", 'country', a.country) END AS address,
      CASE WHEN st.id IS NULL THEN NULL ELSE json_build_object('id', st.id, 'name', st.name, 'priceCents', st."priceCents", 'active', st.active, 'digitalOnly', st."digitalOnly") END AS "shippingType",
      json_build_object('id', t.id, 'currency', t.currency, 'enabledPaymentMethods', t."enabledPaymentMethods", 'inventoryTracking', t."inventoryTracking",
        'taxjarEnabled', t."taxjarEnabled", 'taxjarApiKey', t."taxjarApiKey", 'taxjarFromAddress', t."taxjarFromAddress",
        'addressValidation', t."addressValidation", 'paymentWindowMinutes', t."paymentWindowMinutes",
        'activeShippingTypes', (SELECT count(*) FROM shipping_types x WHERE x."tenantId" = t.id AND x.active),
        'activeShippedTypes', (SELECT count(*) FROM shipping_types x WHERE x."tenantId" = t.id AND x.active AND NOT x."digitalOnly"),
        'connectedProviders', (SELECT COALESCE(json_agg(c.provider), '[]'::json) FROM payment_connections c
          WHERE c."tenantId" = t.id AND ${WORKING_CONNECTION_SQL})) AS tenant`;
const JOINS = Prisma.sql`
    JOIN tenants t ON t.id = s."tenantId"
    LEFT JOIN addresses a ON a.id = s."addressId"
    LEFT JOIN shipping_types st ON st.id = s."shippingTypeId"`;

function query(where: Prisma.Sql, lock: boolean, extra?: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT ${COLUMNS}${extra ? Prisma.sql`, ${extra} AS extra` : Prisma.empty} FROM order_sessions s ${JOINS}
    WHERE ${where} ${lock ? Prisma.sql`FOR UPDATE OF s` : Prisma.empty}`;
}

async function one<E = never>(db: SqlTarget, sql: Prisma.Sql): Promise<(LoadedSession & { extra?: E }) | null> {
  const rows = await queryRows<Row & { extra?: E }>(db, sql);
  const r = rows[0];
  if (!r) return null;
  return { ...r, tenant: { ...r.tenant, currency: r.tenant.currency.trim() } };
}

/**
 * The customer's active session with everything the flow needs, or null. `lock`: FOR UPDATE on the session
 * row. `extra`: one more column (a scalar subquery over the session `s` or its tenant `t`) read in the
 * same statement, returned as `extra`.
 */
export function loadActiveSession<E = never>(
  db: SqlTarget,
  tenantId: string,
  customerId: string,
  opts: { lock?: boolean; extra?: Prisma.Sql } = {},
): Promise<(LoadedSession & { extra?: E }) | null> {
  return one<E>(
    db,
    query(Prisma.sql`s."tenantId" = ${tenantId} AND s."customerId" = ${customerId} AND s."activeSlot" = 1`, opts.lock ?? false, opts.extra),
  );
}

/** A session of the tenant by id (active or not). `lock`: FOR UPDATE on the session row. */
export function loadSessionById(
  db: SqlTarget,
  tenantId: string,
  sessionId: string,
  opts: { lock?: boolean } = {},
): Promise<LoadedSession | null> {
  return one(db, query(Prisma.sql`s.id = ${sessionId} AND s."tenantId" = ${tenantId}`, opts.lock ?? false));
}

/**
 * The customer's session that ended last (submitted, cancelled or expired), when it ended since `since` (one TTL ago;
 * null: however long ago), with its order when it was submitted; null without one. It says what a click on a screen of
 * a session that just ended was for: a Cancel says it was already cancelled or placed. `placed`: the last one that
 * became an order, even when a later one was cancelled or ran out since (a repeat Confirm on a placed order's review
 * answers with that order, not "no order in progress", which invites buying again). `shownIn`: the last one recorded as
 * shown in that surface message (any of its keys: shownIn/recordMessage), so a press on a message says what that
 * message's own session became (asked with no `since`: a message of a session that ended days ago is still that
 * session's). A customer's sessions follow one another (one active slot), so the last started is the last ended.
 */
export async function lastEndedSession(
  db: SqlTarget,
  tenantId: string,
  customerId: string,
  since: Date | null,
  opts: { placed?: boolean; shownIn?: readonly string[] } = {},
): Promise<{ id: string; endReason: OrderSessionEndReason | null; orderId: string | null } | null> {
  const [row] = await queryRows<{ id: string; endReason: OrderSessionEndReason | null; orderId: string | null }>(
    db,
    Prisma.sql`
    SELECT s.id, s."endReason"::text AS "endReason", o.id AS "orderId"
    FROM order_sessions s LEFT JOIN orders o ON o."tenantId" = s."tenantId" AND o."sessionId" = s.id
    WHERE s."tenantId" = ${tenantId} AND s."customerId" = ${customerId} AND s."activeSlot" IS NULL
      ${since ? Prisma.sql`AND s."updatedAt" >= ${since}` : Prisma.empty}
      ${opts.placed ? Prisma.sql`AND o.id IS NOT NULL` : Prisma.empty}
      ${opts.shownIn !== undefined ? Prisma.sql`AND s."flowMessageIds" && ${[...opts.shownIn]}::text[]` : Prisma.empty}
    ORDER BY s."createdAt" DESC, s.id DESC LIMIT 1`,
  );
  return row ?? null;
}

/** Ends an active session that outlived its TTL (activeSlot NULL frees the slot for a new one). */
export async function expireSession(db: SqlTarget, sessionId: string): Promise<void> {
  await executeSql(
    db,
    Prisma.sql`UPDATE order_sessions SET "activeSlot" = NULL, "endReason" = 'EXPIRED', "updatedAt" = clock_timestamp() WHERE id = ${sessionId} AND "activeSlot" = 1`,
  );
}

/**
 * The fast path of an order step, in ONE statement: finds the customer's active, unexpired session whose
 * preconditions (`guard`, over the session `s` and its tenant `t`) hold, writes `set` on it with
 * compare-and-set against the version that same statement read (a concurrent writer that commits first
 * changes "updatedAt", so READ COMMITTED's re-check skips the row), runs `ctes` (which may read `cas`, the
 * written row), and returns the written session as loadActiveSession would, plus `extra` (a column over
 * `s`). Items are those the statement saw before its own item write (a CTE's writes are invisible to the
 * rest of its statement): the caller applies its item change to the result.
 * Null when anything did not hold: the caller then runs the step the long way, which re-reads the session
 * and throws the precise error (or succeeds, if a concurrent change made the step valid meanwhile). The
 * guard may be stricter than the long way's checks, never looser.
 */
export function casActiveSession<E = never>(
  db: SqlTarget,
  input: {
    tenantId: string;
    customerId: string;
    now: Date;
    expiresAt: Date;
    guard: Prisma.Sql;
    set: Prisma.Sql;
    ctes?: Prisma.Sql;
    extra?: Prisma.Sql;
  },
): Promise<(LoadedSession & { extra?: E }) | null> {
  const { tenantId, customerId, now, expiresAt } = input;
  return one<E>(
    db,
    Prisma.sql`
    WITH cur AS (
      SELECT s.id, s."updatedAt" FROM order_sessions s JOIN tenants t ON t.id = s."tenantId"
      WHERE s."tenantId" = ${tenantId} AND s."customerId" = ${customerId} AND s."activeSlot" = 1 AND s."expiresAt" > ${now}
        AND (${input.guard})
    ), cas AS (
      UPDATE order_sessions s SET ${input.set}, "lastActivityAt" = ${now}, "expiresAt" = ${expiresAt}, "updatedAt" = clock_timestamp()
      FROM cur WHERE s.id = cur.id AND s."updatedAt" = cur."updatedAt" AND s."activeSlot" = 1
      RETURNING s.*
    )${input.ctes ?? Prisma.empty}
    SELECT ${COLUMNS}${input.extra ? Prisma.sql`, ${input.extra} AS extra` : Prisma.empty} FROM cas s ${JOINS}`,
  );
}

/**
 * How many message keys a session keeps (a message of the flow the customer pressed a step on, or that a step's answer
 * made, keeps up to two: see recordMessage; the oldest go first), so about 20 messages: a message no session keeps is
 * taken as the active session's, as before messages were recorded.
 */
const MESSAGES_KEPT = 40;

/**
 * The customer's session is open for a message's check: active and not run out by `now` (one that ran out keeps its
 * slot until something ends it, and the flow treats it as ended).
 */
export const OPEN_AT = (now: Date) => Prisma.sql`"activeSlot" = 1 AND "expiresAt" > ${now}`;
const KEPT = Prisma.sql`COALESCE("flowMessageIds", ARRAY[]::text[])`;
/** The session's keys with those of `keys` it lacks added, the oldest dropped past MESSAGES_KEPT. */
const SHOWN_IN = (keys: readonly string[]) => {
  const added = Prisma.sql`(${KEPT} || ARRAY(SELECT k FROM unnest(${[...keys]}::text[]) WITH ORDINALITY AS u(k, n) WHERE NOT k = ANY(${KEPT}) ORDER BY n))`;
  return Prisma.sql`${added}[greatest(1, cardinality(${added}) + 1 - ${MESSAGES_KEPT}::int):]`;
};
/** The session's keys name the message (any of its keys). */
export const SHOWS = (keys: readonly string[]) => Prisma.sql`"flowMessageIds" && ${[...keys]}::text[]`;

/**
 * Whose screen a surface's message is (`message`: its keys, any of which names it): 'current' when it is recorded for
 * the customer's active session, 'other' when it is recorded only for sessions of theirs that ended while another is
 * active now (a stale screen: acting on it would act on a session it never showed), 'unknown' otherwise (recorded for
 * no session: from before messages were recorded, or made by no answer of the flow; or no session is active). A session
 * that ran out by `now` counts as ended, though it keeps its slot until something ends it (OPEN_AT). A read:
 * recordMessage records it once a step ran.
 */
export async function messageSession(
  db: SqlTarget,
  tenantId: string,
  customerId: string,
  message: readonly string[],
  now: Date,
): Promise<'current' | 'other' | 'unknown'> {
  const [row] = await queryRows<{ current: boolean; other: boolean }>(
    db,
    Prisma.sql`
    WITH owners AS (
      SELECT "activeSlot" FROM order_sessions
      WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND ${SHOWS(message)}
    )
    SELECT EXISTS (SELECT 1 FROM owners WHERE "activeSlot" = 1) AS current,
      EXISTS (SELECT 1 FROM owners) AND NOT EXISTS (SELECT 1 FROM owners WHERE "activeSlot" = 1)
        AND EXISTS (SELECT 1 FROM order_sessions WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND ${OPEN_AT(now)}) AS other`,
  );
  return row?.current ? 'current' : row?.other ? 'other' : 'unknown';
}

/**
 * Records that the customer's active session is shown in the surface's message, under each of the keys the surface
 * names it by (`message`: a Discord message's id, and the interaction whose answer made it); no-op without an active
 * session (or when `sessionId`, the session the message shows, is no longer the active one) or when every key is
 * recorded.
 */
export async function recordMessage(
  db: SqlTarget,
  tenantId: string,
  customerId: string,
  message: readonly string[],
  sessionId?: string,
): Promise<void> {
  if (!message.length) return;
  await executeSql(
    db,
    Prisma.sql`UPDATE order_sessions SET "flowMessageIds" = ${SHOWN_IN(message)}
      WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND "activeSlot" = 1
        ${sessionId !== undefined ? Prisma.sql`AND id = ${sessionId}` : Prisma.empty}
        AND NOT ${KEPT} @> ${[...message]}::text[]`,
  );
}
