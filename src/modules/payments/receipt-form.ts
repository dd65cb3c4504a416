// payments.openPostForm: the order a form on the admin post is opened for ("Record amount received", or Reject's
// reason), from a post that showed an amount received (the Discord admin post's receipt button carries it). When the
// order has received another amount since (money recorded from another post, /payment-confirm, the panel or the API,
// and the post's refresh not run yet or ended on a refused edit), the form would be refused once typed
// (recorded-meanwhile.ts): it is refused now instead, with what was recorded meanwhile and by whom, and the post is
// asked to be drawn again (order.admin_post_out_of_date), so its button carries what the order has received now.
// Nothing is recorded or rejected either way.
import type { Order } from '../../generated/prisma/index.js';
import { notFound } from '../../platform/errors.js';
import type { AfterSaleDeps } from '../orders/index.js';
import type { TenantContext } from '../shared/actor.js';
import { EVENTS, type AdminPostOutOfDatePayload } from '../shared/events.js';
import { recordedMeanwhileRefusal } from './recorded-meanwhile.js';

/**
 * The order of `paymentId` (NOT_FOUND for another tenant's payment), when it has still received `receivedShown` (or
 * nothing was shown: a post drawn before its button carried it); else the refusal a receipt would get (the caller words
 * its tail), after the post's redraw is queued. One read on the way that opens the form (a modal must be Discord's first answer, within
 * its 3 seconds); the refusal's reads and the one write (the job) only when the post is out of date.
 */
export async function openPostForm(
  deps: Pick<AfterSaleDeps, 'db' | 'bus' | 'clock'>,
  ctx: TenantContext,
  paymentId: string,
  receivedShown?: number,
): Promise<Order> {
  const payment = await deps.db.payment.findFirst({ where: { id: paymentId, tenantId: ctx.tenantId }, select: { order: true } });
  if (!payment) throw notFound('Payment', paymentId, { paymentId });
  const order = payment.order;
  if (receivedShown === undefined || order.amountReceivedCents === receivedShown) return order;
  const refusal = await recordedMeanwhileRefusal(deps.db, order, { receivedCents: receivedShown }, ctx.actor.type, deps.clock);
  if (!refusal) return order;
  await queueAdminPostRedraw(deps, order);
  throw refusal;
}

/** Asks for the order's admin post to be drawn again from the order as it is now (order.admin_post_out_of_date). */
export async function queueAdminPostRedraw(deps: Pick<AfterSaleDeps, 'db' | 'bus'>, order: Pick<Order, 'id' | 'tenantId'>): Promise<void> {
  const payload: AdminPostOutOfDatePayload = { tenantId: order.tenantId, orderId: order.id };
  // One redraw queued per order at a time: presses while it waits add none.
  await deps.bus.emit(deps.db, EVENTS.adminPostOutOfDate, payload, { jobKey: `admin-post-out-of-date:${order.id}` });
}
