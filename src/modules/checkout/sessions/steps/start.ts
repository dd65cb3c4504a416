// Session steps: opening (or resuming) the customer's session, reading it, cancelling it, and recording the
// surface's messages that show it.
import { Prisma } from '../../../../platform/db/prisma.js';
import { activeProductsJsonSql, productsFromJson } from '../../../catalog/catalog.service.js';
import { AppError } from '../../../../platform/errors.js';
import {
  expireSession,
  lastEndedSession,
  loadActiveSession,
  loadSessionById,
  messageSession,
  OPEN_AT,
  recordMessage,
  SHOWS,
  toSessionView,
  type SessionView,
} from '../session-store.js';
import { otherSession } from '../session-errors.js';
import type { OrderSessionService } from '../order-session.api.js';
import { type StepContext } from '../step-runner.js';

export function createStartSteps(
  ctx: StepContext,
): Pick<OrderSessionService, 'start' | 'getActive' | 'cancel' | 'checkMessage' | 'shownIn'> {
  const { sql, clock } = ctx;
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
    // INSERT ... SELECT FROM customers: the customer must be this tenant's. A new session's next screen is
    // the product menu, so its products come back with it (one statement before the answer, not two).
    const created = await sql.query<{ id: string; currency: string; products: Record<string, unknown>[] }>(Prisma.sql`
      WITH ins AS (
        INSERT INTO order_sessions ("tenantId", "customerId", "guildId", "lastActivityAt", "expiresAt", "createdAt", "updatedAt")
        SELECT c."tenantId", c.id, ${guildId}, ${now}, ${expiresAt}, ${now}, clock_timestamp()
        FROM customers c WHERE c.id = ${customerId} AND c."tenantId" = ${tenantId}
        ON CONFLICT ("tenantId", "customerId", "activeSlot") DO NOTHING
        RETURNING id, "tenantId"
      )
      SELECT ins.id, t.currency, ${activeProductsJsonSql(Prisma.sql`ins."tenantId"`)} AS products
      FROM ins JOIN tenants t ON t.id = ins."tenantId"`);
    const row = created[0];
    if (!row) return null;
    return {
      id: row.id,
      tenantId,
      customerId,
      guildId,
      state: 'COLLECTING_ITEMS',
      items: [],
      subtotalCents: 0,
      currency: row.currency.trim(),
      address: null,
      pendingAddress: null,
      shippingType: null,
      paymentMethod: null,
      lastActivityAt: now,
      expiresAt,
      activeProducts: productsFromJson(row.products),
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
        const [customer] = await sql.query<{ id: string }>(
          Prisma.sql`SELECT id FROM customers WHERE id = ${customerId} AND "tenantId" = ${tenantId}`,
        );
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

    async checkMessage(tenantId, customerId, message) {
      if ((await messageSession(sql, tenantId, customerId, message, clock.now())) === 'other') throw otherSession();
    },

    shownIn: (tenantId, customerId, message, opts = {}) => recordMessage(sql, tenantId, customerId, message, opts.sessionId),

    async cancel(tenantId, customerId, opts = {}) {
      const message = opts.message ?? [];
      // Pressed on a message recorded (shownIn) only for ended sessions of theirs, the Cancel is not for the active
      // session: checked in the statement that cancels, so no session started meanwhile is cancelled. An active one
      // that ran out counts as ended there (OPEN_AT): the Cancel ends it, as any Cancel did before.
      const now = clock.now();
      const [done] = await sql.query<{ cancelled: boolean; otherSession: boolean }>(Prisma.sql`
        WITH owners AS (
          SELECT id FROM order_sessions
          WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND ${SHOWS(message)}
        ), done AS (
          UPDATE order_sessions s SET "activeSlot" = NULL, "endReason" = 'CANCELLED', "updatedAt" = clock_timestamp()
          WHERE s."tenantId" = ${tenantId} AND s."customerId" = ${customerId} AND s."activeSlot" = 1
            AND (NOT EXISTS (SELECT 1 FROM owners) OR s.id IN (SELECT id FROM owners) OR s."expiresAt" <= ${now})
          RETURNING s.id
        )
        SELECT EXISTS (SELECT 1 FROM done) AS cancelled,
          NOT EXISTS (SELECT 1 FROM done) AND EXISTS (SELECT 1 FROM owners)
            AND EXISTS (SELECT 1 FROM order_sessions WHERE "tenantId" = ${tenantId} AND "customerId" = ${customerId} AND ${OPEN_AT(now)})
            AS "otherSession"`);
      if (done?.cancelled) return { cancelled: true };
      if (done?.otherSession) throw otherSession();
      // Nothing in progress. The session the message was shown in (however long ago it ended), else the customer's
      // session that ended last within one TTL, says what the Cancel was pressed on: one cancelled (a double tap, or
      // a client whose message was not updated yet) is answered as the first tap was; one submitted (Cancel pressed
      // on the review after Confirm placed it) names its order, so the caller does not say "nothing"; one that ran
      // out, or none, had nothing to cancel.
      const shown = message.length ? await lastEndedSession(sql, tenantId, customerId, null, { shownIn: message }) : null;
      const last = shown ?? (await lastEndedSession(sql, tenantId, customerId, clock.withinTtlSince(clock.now())));
      if (last?.endReason === 'CANCELLED') return { cancelled: false, alreadyCancelled: true };
      return { cancelled: false, ...(last?.orderId ? { placedOrderId: last.orderId } : {}) };
    },
  };
}
