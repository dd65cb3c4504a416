// Session step: the payment method (one the tenant enabled and that can be paid here), which makes the
// session READY_TO_SUBMIT; and the methods the payment menu offers, by the same rules.
import { z } from 'zod';
import { PaymentMethod } from '../../../../generated/prisma/index.js';
import { Prisma } from '../../../../platform/db/prisma.js';
import { parseInput } from '../../../../platform/validate.js';
import { assertRules, guardSql, payableMethods, paymentRules } from '../../selection-rules.js';
import { noSession } from '../session-errors.js';
import { loadActiveSession, toSessionView } from '../session-store.js';
import type { OrderSessionService } from '../order-session.api.js';
import { type StepContext } from '../step-runner.js';

const paymentMethodSchema = z.enum(PaymentMethod, { error: `one of ${Object.values(PaymentMethod).join(', ')}` });

export function createPaymentMethodSteps(ctx: StepContext): Pick<OrderSessionService, 'setPaymentMethod' | 'paymentChoices'> {
  const { step, fastStep, reach } = ctx;

  return {
    async setPaymentMethod(tenantId, customerId, method) {
      const m = parseInput(paymentMethodSchema, method, 'payment method');
      // Fast path: items, an address, a shipping type when the tenant has active ones, a method the tenant
      // enabled; the write in the same statement.
      const rules = paymentRules(m, reach);
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

    async paymentChoices(tenantId, customerId) {
      const s = await loadActiveSession(ctx.sql, tenantId, customerId);
      if (!s) throw noSession();
      return payableMethods(s, reach);
    },
  };
}
