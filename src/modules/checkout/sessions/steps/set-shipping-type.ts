// Session step: the shipping type (an active one of the tenant that the cart may take: a digital-only one
// only while every line is digital, selection-rules.ts shippingTypeRules), and the menu of those types.
import { z } from 'zod';
import { Prisma } from '../../../../platform/db/prisma.js';
import { parseInput } from '../../../../platform/validate.js';
import { assertRules, guardSql, hasItemsRule, shippingTypeOffered, shippingTypeRules } from '../../selection-rules.js';
import { noSession } from '../session-errors.js';
import { loadActiveSession, toSessionView } from '../session-store.js';
import type { OrderSessionService, ShippingChoice } from '../order-session.api.js';
import type { ShippingFacts } from '../../../catalog/shipped-goods.js';
import { requireItems, STATE_WITH_ITEMS, type StepContext } from '../step-runner.js';

/** The tenant's active shipping types as a JSON array of ShippingChoice, in menu order (a scalar subquery). */
const activeTypesSql = (tenantId: Prisma.Sql) =>
  Prisma.sql`COALESCE((SELECT json_agg(json_build_object('id', x.id, 'tenantId', x."tenantId", 'name', x.name, 'priceCents', x."priceCents",
      'active', x.active, 'digitalOnly', x."digitalOnly") ORDER BY x."sortOrder", x."priceCents", x.id)
    FROM shipping_types x WHERE x."tenantId" = ${tenantId} AND x.active), '[]'::json)`;

export function createShippingTypeSteps(
  ctx: StepContext,
): Pick<OrderSessionService, 'setShippingType' | 'dropWithdrawnShipping' | 'shippingChoices' | 'shippingChoicesForMember'> {
  const { sql, step, fastStep } = ctx;

  return {
    async setShippingType(tenantId, customerId, shippingTypeId) {
      const id = parseInput(z.string().min(1).max(64), shippingTypeId, 'shipping type');
      // Fast path: items present, an active shipping type of this tenant that the session's cart may take
      // (its lines as this statement reads them); the write in the same statement.
      const fast = await fastStep(tenantId, customerId, {
        guard: Prisma.sql`${guardSql([hasItemsRule('choosing shipping')])} AND EXISTS (SELECT 1 FROM shipping_types x WHERE x.id = ${id} AND ${guardSql(shippingTypeRules())})`,
        set: Prisma.sql`state = ${STATE_WITH_ITEMS}, "shippingTypeId" = ${id}`,
      });
      if (fast) return toSessionView(fast);
      // The long way: the rules on the session as read, written only if the session (its lines too: every
      // item change moves its version) is still that version.
      return step(tenantId, customerId, async (s) => {
        requireItems(s, 'choosing shipping');
        const types = await sql.query<{ id: string; name: string; priceCents: number; active: boolean; digitalOnly: boolean }>(Prisma.sql`
          SELECT id, name, "priceCents", active, "digitalOnly" FROM shipping_types WHERE id = ${id} AND "tenantId" = ${tenantId}`);
        const type = types[0] ?? null;
        // An unknown id reads as "not available", like an inactive one.
        assertRules(shippingTypeRules(), { shippingType: type, tenantId, items: s.items, choosing: true });
        return { patch: { shippingTypeId: type!.id, shippingType: type } };
      });
    },

    async dropWithdrawnShipping(tenantId, customerId) {
      return step(tenantId, customerId, async (s) => {
        const chosen = s.shippingType;
        if (!chosen || shippingTypeOffered({ ...chosen, tenantId }, tenantId, s.items)) return { patch: {} };
        const types = await sql.query<ShippingChoice>(
          Prisma.sql`SELECT id, "tenantId", name, "priceCents", active, "digitalOnly" FROM shipping_types WHERE "tenantId" = ${tenantId} AND active`,
        );
        if (types.some((x) => shippingTypeOffered(x, tenantId, s.items))) return { patch: {} };
        return { patch: { shippingTypeId: null, shippingType: null } };
      });
    },

    async shippingChoices(tenantId, customerId) {
      const s = await loadActiveSession<ShippingChoice[]>(sql, tenantId, customerId, {
        extra: activeTypesSql(Prisma.sql`s."tenantId"`),
      });
      if (!s) throw noSession();
      return (s.extra ?? []).filter((x) => shippingTypeOffered(x, tenantId, s.items));
    },

    async shippingChoicesForMember(tenantId, discordUserId) {
      // ONE statement (an autocomplete has Discord's 3 s and no deferral): the tenant's active types, and the
      // lines' products of the member's open session when there is one (no customer row is made: a read).
      const rows = await sql.query<{ types: ShippingChoice[]; items: { product: ShippingFacts }[] | null }>(Prisma.sql`
        SELECT ${activeTypesSql(Prisma.sql`${tenantId}`)} AS types,
          (SELECT COALESCE((SELECT json_agg(json_build_object('product', json_build_object('digitalKind', p."digitalKind",
              'grantedRoleIds', p."grantedRoleIds"))) FROM order_session_items i JOIN products p ON p.id = i."productId"
              WHERE i."sessionId" = s.id), '[]'::json)
            FROM order_sessions s JOIN customers c ON c.id = s."customerId"
            WHERE c."tenantId" = ${tenantId} AND c."discordUserId" = ${discordUserId} AND s."tenantId" = ${tenantId}
              AND s."activeSlot" = 1 AND s."expiresAt" > ${ctx.clock.now()}) AS items`);
      const { types, items } = rows[0] ?? { types: [], items: null };
      // Without an open session: what a new (empty) cart may take, which is every active type.
      return types.filter((x) => shippingTypeOffered(x, tenantId, items ?? []));
    },
  };
}
