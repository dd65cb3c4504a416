// Orders -> "Extend pay window" (components/extend-pay-window.tsx): GET shows the unpaid order's deadline in
// the shop's time zone; POST {extendByHours} gives the customer that many more hours through
// services.paymentWindows.extend (the same call as POST /api/orders/:id/payment-window).
import type { ActionContext, ActionRequest, RecordActionResponse } from 'adminjs';
import { z } from 'zod';
import type { Services } from '../services.js';
import { expectedDueAt } from '../../../modules/order-expiry/payment-window.service.js';
import { MAX_EXTENSION_MINUTES } from '../../../modules/order-expiry/pay-window.js';
import { formatDateTime } from '../../../platform/time-format.js';
import { parseInput } from '../../../platform/validate.js';
import { tenantContextOf } from '../auth/panel-admin.js';
import { errorNotice } from './admin-errors.js';

/** At most 90 days in one go: the service's own bound (MAX_EXTENSION_MINUTES), in the form's unit. */
const MAX_EXTENSION_HOURS = MAX_EXTENSION_MINUTES / 60;
/** Every refusal says the whole rule: "99999" was refused as "a whole number of hours", which it is. */
const HOURS_RULE = `a whole number of hours from 1 to ${MAX_EXTENSION_HOURS.toLocaleString('en-US')} (90 days)`;

/** The form posts a string, as typed. */
const extendForm = z.object({
  extendByHours: z
    .string({ error: HOURS_RULE })
    .trim()
    .regex(/^\d{1,9}$/, HOURS_RULE)
    .transform(Number)
    .pipe(z.number().int().min(1, HOURS_RULE).max(MAX_EXTENSION_HOURS, HOURS_RULE)),
});

type RecordJson = (context: ActionContext, notice?: RecordActionResponse['notice']) => Promise<RecordActionResponse>;

export function extendPayWindowAction(services: Services, recordJson: RecordJson) {
  const logger = services.logger.child({ surface: 'admin', action: 'extendPayWindow' });

  const payWindowOf = async (tenantId: string, orderId: string) => {
    const [order, tenant] = await Promise.all([
      services.db.order.findFirstOrThrow({ where: { id: orderId, tenantId } }),
      services.db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timeZone: true, paymentWindowMinutes: true } }),
    ]);
    const dueAt = order.status === 'PENDING_PAYMENT' ? expectedDueAt(order, tenant, services.clock) : null;
    return { status: order.status, dueAt: dueAt?.toISOString() ?? null, dueAtText: dueAt ? formatDateTime(dueAt, tenant.timeZone) : '' };
  };

  return async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    const ctx = tenantContextOf(context);
    const record = context.record!;
    if (request.method !== 'post') {
      record.params.payWindowJson = JSON.stringify(await payWindowOf(ctx.tenantId, record.id()));
      return { record: record.toJSON(context.currentAdmin) };
    }
    try {
      const { extendByHours } = parseInput(extendForm, request.payload ?? {}, 'pay window extension');
      const { order } = await services.paymentWindows.extend(ctx, record.id(), { extendByMinutes: extendByHours * 60 });
      const payWindow = await payWindowOf(ctx.tenantId, record.id());
      const response = await recordJson(context, {
        message: `Order #${order.number} now has until ${payWindow.dueAtText} to be paid.`,
        type: 'success',
      });
      return { ...response, payWindow } as RecordActionResponse;
    } catch (err) {
      // A refused number of hours is said under its field too, as every panel form says a field's refusal.
      return errorNotice(err, context, logger, (path) => (path === 'extendByHours' ? path : undefined));
    }
  };
}
