// Session step: the shipping type (an active one of the tenant).
import { z } from 'zod';
import { Prisma } from '../../../../platform/db/prisma.js';
import { parseInput } from '../../../../platform/validate.js';
import { assertRules, guardSql, hasItemsRule, shippingTypeRules } from '../../selection-rules.js';
import { toSessionView } from '../session-store.js';
import type { OrderSessionService } from '../order-session.api.js';
import { requireItems, STATE_WITH_ITEMS, type StepContext } from '../step-runner.js';

export function createShippingTypeSteps(ctx: StepContext): Pick<OrderSessionService, 'setShippingType'> {
  const { sql, step, fastStep } = ctx;

  return {
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
  };
}
