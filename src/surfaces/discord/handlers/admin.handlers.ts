// Admin commands and buttons: /refund, /payment-confirm (optionally with the amount received; the same amount sent
// again within minutes is asked about first), and approve / record an amount / reject on the admin-channel embed.
// All are adminOnly (see admin-check.ts for who counts); anyone else gets an ephemeral refusal before any
// service runs. The order can be given by id ("ord_…") or number ("1001", "#1001").
import { InteractionType, TextInputStyle } from 'discord-api-types/v10';
import { z } from 'zod';
import { AppError, isAppError } from '../../../platform/errors.js';
import { centsToDecimalString, formatMoney, parseMoneyInput } from '../../../platform/money.js';
import { parseInput } from '../../../platform/validate.js';
import { parseRefundItems } from '../../../modules/refunds/refund-items.parser.js';
import { refundBreakdown } from '../../../modules/refunds/refund-breakdown.js';
import { owedCents } from '../../../modules/orders/index.js';
import type { CommandRoutes, ComponentRoutes, HandlerContext } from '../context.js';
import { customId, parseCustomId } from '../custom-id.js';
import { commandOptions, modalValues } from '../interaction-data.js';
import { COLORS, embed, ephemeral, modal, MODAL_LABEL_MAX, update } from '../replies.js';
import {
  adminOrderMessage,
  decidedAdminMessage,
  receivedAmountText,
  receivedText,
  workingAdminMessage,
} from '../views/admin-order.view.js';
import type { ReceiptResult } from '../../../modules/payments/record-receipt.command.js';
import { refundClaims } from '../../../modules/payments-processor/checkouts/refund-claims.query.js';
import { processorRefundOutcomes } from '../../../modules/payments-processor/processor-refund-outcome.query.js';
import { refundClaimsField } from '../views/refund-claims.view.js';
import { paymentMethodLabel } from '../views/payment-methods.view.js';
import { repeatedReceiptQuestion } from '../views/repeated-receipt.view.js';
import type { RepeatedReceiptDetails } from '../../../modules/payments/repeated-receipt.js';
import type { Refund } from '../../../generated/prisma/index.js';
import { PROCESSOR_REFUND_OUTCOME, refundMoneyBack, refundRecordedWords } from '../../../modules/refunds/refund-money-back.js';
import { REFUND_MODE_LABELS } from '../../../modules/refunds/refund-mode-words.js';
import { orderStatusWords } from '../views/order-status.view.js';

export const DEFAULT_REFUND_REASON = 'Admin-initiated refund';

const refundOptions = z.object({
  order: z.string().trim().min(1).max(64),
  reason: z.string().trim().max(500).optional(),
  amount: z.number().int('whole cents, e.g. 500 for $5.00').positive('more than 0').optional(),
  items: z.string().trim().max(1000).optional(),
});

export const adminCommands: CommandRoutes = {
  refund: {
    adminOnly: true,
    async run(ctx) {
      const opts = parseInput(refundOptions, commandOptions(ctx.interaction), 'options');
      if (opts.amount !== undefined && opts.items) {
        throw new AppError(
          'VALIDATION_FAILED',
          'Give either `amount` or `items`, not both. To refund a custom amount and revert specific items together, use the refund form in the admin panel.',
        );
      }
      const items = opts.items !== undefined ? parseRefundItems(opts.items) : undefined;
      if (opts.items !== undefined && !items?.length)
        throw new AppError('VALIDATION_FAILED', 'Invalid refund items: list at least one productId:quantity pair, e.g. prod-1:2,prod-2.');
      const order = await ctx.services.orders.findByRef(ctx.tenant.id, opts.order);
      const sentAt = ctx.sentAt;
      const {
        plan,
        order: after,
        refund,
      } = await ctx.services.refunds.refund(ctx.adminContext(), order.id, {
        amountCents: opts.amount,
        items,
        reason: opts.reason || DEFAULT_REFUND_REASON,
        // A replayed interaction carries the same id: the refund service returns the first refund.
        idempotencyKey: `discord:${ctx.interaction.id}`,
        // No screen came before it: what the admin knew is the order when they sent the command. A refund recorded
        // after that (another admin's, or one made at the provider and learned since) refuses it, with who refunded
        // what and when (refunds/refunded-meanwhile.ts).
        ...(sentAt ? { seen: { sentAt } } : {}),
      });
      const m = (c: number) => formatMoney(c, after.currency);
      // Earlier refunds sent as BTCPay claims: where each stands (the order page shows the same).
      const claims = refundClaimsField(await refundClaims(ctx.services.db, ctx.tenant.id, order.id));
      return ephemeral({
        embeds: [
          embed({
            title: refundRecordedWords(m(plan.amountCents), after.number),
            color: COLORS.ok,
            description: [
              `Mode: ${REFUND_MODE_LABELS[plan.mode] ?? plan.mode}`,
              refundBreakdown(plan, after.currency),
              plan.items.length ? `Items: ${plan.items.map((i) => `${i.quantity} × ${i.name}`).join(', ')}` : 'No inventory change.',
              `Reason: ${opts.reason || DEFAULT_REFUND_REASON}`,
              `Refunded before: ${m(plan.refundedBeforeCents)} · remaining: ${m(plan.remainingAfterCents)}`,
              // The words, and the spec's status name an admin knows from it (spec 000: PARTIALLY_REFUNDED, REFUNDED).
              `Order status: ${orderStatusWords(after.status)} (${after.status})`,
              moneyBackText(refund, m),
            ].join('\n'),
            ...(claims ? { fields: [claims] } : {}),
          }),
        ],
      });
    },
  },
  'payment-confirm': {
    adminOnly: true,
    async run(ctx) {
      const opts = parseInput(
        z.object({
          orderid: z.string().trim().min(1).max(64),
          amount: z.number().int('whole cents, e.g. 2000 for $20.00').positive('more than 0').optional(),
        }),
        commandOptions(ctx.interaction),
        'options',
      );
      const order = await ctx.services.orders.findByRef(ctx.tenant.id, opts.orderid);
      // Without an amount: the full amount (what is still owed), as before amounts existed (a second admin's finds it
      // paid). With one: no screen came before it, so what the admin knew is the order when they sent the command; a
      // receipt recorded after that (another admin's, of the same transfer or an extra payment) refuses it, with who
      // recorded what (docs/decisions/payment-receipts-and-references.md).
      // The same amount from the same admin minutes after they recorded it (the command sent twice) is asked first,
      // not recorded again (payments/repeated-receipt.ts); the question's button records it as another payment.
      let r: ReceiptResult;
      try {
        r = await ctx.services.payments.recordReceipt(
          ctx.adminContext(),
          { orderId: order.id },
          {
            amountCents: opts.amount,
            sentAt: opts.amount === undefined ? undefined : ctx.sentAt,
            askIfRepeated: opts.amount !== undefined,
            idempotencyKey: `discord:${ctx.interaction.id}`,
          },
        );
      } catch (err) {
        if (isAppError(err) && err.code === 'RECEIPT_CONFIRMATION_REQUIRED')
          return ephemeral(repeatedReceiptQuestion(order, err.details as unknown as RepeatedReceiptDetails));
        throw err;
      }
      return ephemeral({ embeds: [receiptEmbed(r, opts.amount !== undefined)] });
    },
  },
};

/**
 * Who sends the money back (refundMoneyBack), as the panel's refund notice says it: the processor, or the admin by
 * hand, with the to-do the order page keeps until ticked. The processor's part is sent by a job after this answer
 * (payment.refund.send): it is being sent, not sent; the history and the admin channel tell the outcome.
 */
function moneyBackText(refund: Pick<Refund, 'amountCents' | 'manualReturnMethod' | 'manualReturnCents'>, m: (c: number) => string): string {
  const back = refundMoneyBack(refund);
  if (back.by === 'processor')
    return `**${m(refund.amountCents)} is being sent to the payment processor**, which returns it to the customer. ${PROCESSOR_REFUND_OUTCOME}`;
  const todo = `send ${m(back.byHandCents)} back to the customer by ${paymentMethodLabel(back.method)}, then tick it done on the order's page in the admin panel.`;
  return back.by === 'both'
    ? `**${m(back.processorCents)} is being sent to the payment processor**, what it took. ${PROCESSOR_REFUND_OUTCOME} The rest was paid by hand: ${todo}`
    : `**No money was sent**: ${todo}`;
}

/** The admin's answer after recording money: what came in, what is owed or overpaid (each said once), and the order's status. */
function receiptEmbed(r: ReceiptResult, withAmount: boolean) {
  const o = r.order;
  const m = (c: number) => formatMoney(c, o.currency);
  const received = withAmount || r.receipt ? receivedAmountText(o) : null;
  const title = r.paid
    ? `Order #${o.number} marked as paid`
    : !r.changed
      ? `Order #${o.number} was already paid`
      : `Recorded ${m(r.receipt?.amountCents ?? 0)} received on order #${o.number}`;
  return embed({
    title,
    color: r.overpaidCents ? COLORS.warn : COLORS.ok,
    description: [
      received ? `${received}.` : undefined,
      r.remainingCents > 0 ? `Still owed: ${m(r.remainingCents)}. The order stays unpaid until the rest arrives.` : undefined,
      r.overpaidCents ? `**Overpaid by ${m(r.overpaidCents)}**: return the difference to the customer.` : undefined,
      `Status: ${o.status}`,
    ]
      .filter(Boolean)
      .join('\n'),
  });
}

/**
 * The receipt modal's amount label, with what was received so far (Discord's 45 characters: without the currency's
 * code when the amount is long; the amount itself names its currency).
 */
function amountLabel(receivedCents: number, currency: string): string {
  const soFar = `received so far: ${formatMoney(receivedCents, currency)}`;
  const label = `Amount (${currency}), ${soFar}`;
  return label.length <= MODAL_LABEL_MAX ? label : `Amount, ${soFar}`;
}

const AT_THE_PRESS = {
  record:
    'Nothing was recorded. This post is being refreshed with what the order has received now: press "Record amount received" on it again if another payment arrived.',
  reject:
    'Nothing was rejected and the order was not cancelled. This post is being refreshed with what the order has received now: press "Reject" on it again if it should still be rejected.',
} as const;

/**
 * A refusal of a form's button at the press (payments.openPostForm), in the post's words: the module's headline (where
 * the order stands, who recorded what meanwhile), that nothing was done, and what to do next.
 */
function atThePress(err: unknown, button: keyof typeof AT_THE_PRESS): unknown {
  if (!isAppError(err) || err.code !== 'CONFLICT') return err;
  const headline = (err.details as { headline?: unknown } | undefined)?.headline;
  if (typeof headline !== 'string') return err;
  return new AppError('CONFLICT', `${headline} ${AT_THE_PRESS[button]}`, err.details);
}

/**
 * The amount received the admin post showed, read from its "Record amount received" button
 * (`payment:receipt:<paymentId>:r<cents>`, drawn with the post): what a Reject pressed on the same post was pressed
 * over. Undefined for a post without it (drawn before buttons carried it, or money on its way: no Record button).
 */
function receivedShownOnPost(interaction: HandlerContext['interaction']): number | undefined {
  const message = interaction.type === InteractionType.MessageComponent ? interaction.message : undefined;
  for (const row of message?.components ?? []) {
    for (const c of 'components' in row ? row.components : []) {
      const parsed = 'custom_id' in c ? parseCustomId(c.custom_id) : undefined;
      if (parsed?.ok && parsed.id.key === 'payment:receipt' && parsed.id.params[1]) return parsed.id.params[1].receivedCents;
    }
  }
  return undefined;
}

/** The admin message the buttons sit on, updated in place (type 7) with the decision. */
function decided(ctx: HandlerContext, outcome: Parameters<typeof decidedAdminMessage>[1]) {
  const original =
    ctx.interaction.type === InteractionType.MessageComponent || ctx.interaction.type === InteractionType.ModalSubmit
      ? ctx.interaction.message?.embeds?.[0]
      : undefined;
  const data = decidedAdminMessage(original, outcome);
  return ctx.interaction.type === InteractionType.ModalSubmit && !ctx.interaction.message ? ephemeral(data) : update(data);
}

export const adminComponents: ComponentRoutes = {
  'payment:approve': {
    kind: 'component',
    adminOnly: true,
    // Deferred (a slow database): the post says "Approving…" with its buttons disabled until the decision replaces it.
    whileWorking: (interaction, user) =>
      workingAdminMessage(interaction.type === InteractionType.MessageComponent ? interaction.message : undefined, user.id, 'Approving'),
    // Refused after it (another admin rejected or approved the order meanwhile): the post, put back as this press saw
    // it, is drawn again from the order as it is now.
    afterPutBack: (services, tenantId, [paymentId]) => services.payments.redrawAdminPost(tenantId, paymentId!),
    async run(ctx, [paymentId]) {
      const { order, changed } = await ctx.services.payments.confirm(ctx.adminContext(), { paymentId });
      return decided(ctx, { approved: true, by: ctx.user.id, number: order.number, already: !changed });
    },
  },
  'payment:receipt': {
    kind: 'component',
    adminOnly: true,
    async run(ctx, [paymentId, shown]) {
      // What the post showed as received when it was drawn (its button carries it). The order has received another
      // amount since (money recorded from another post, /payment-confirm, the panel or the API, and the post not
      // refreshed yet): refused now, before anything is typed, with what was recorded meanwhile and by whom, and the
      // post is drawn again with the amount received now (receipt-form.ts); the answer is the admin's alone, as every
      // refusal on the post is. A post drawn before buttons carried it: what the order has when the modal opens.
      const order = await ctx.services.payments.openPostForm(ctx.adminContext(), paymentId, shown?.receivedCents).catch((err: unknown) => {
        throw atThePress(err, 'record');
      });
      // The modal carries it on: recorded only while the order has still received that (two admins typing the same
      // transfer from one post record it once), and its label says it, so the admin sees what they add to.
      const receivedCents = shown?.receivedCents ?? order.amountReceivedCents;
      const owed = owedCents({ totalCents: order.totalCents, amountReceivedCents: receivedCents });
      return modal(customId('payment:receipt-modal', paymentId, `r${receivedCents}`), `Money received: order #${order.number}`, [
        {
          id: 'amount',
          label: amountLabel(receivedCents, order.currency),
          maxLength: 20,
          placeholder: centsToDecimalString(owed, order.currency),
        },
        { id: 'note', label: "Note (e.g. the payment's id)", required: false, maxLength: 500 },
      ]);
    },
  },
  'payment:receipt-modal': {
    kind: 'modal',
    adminOnly: true,
    async run(ctx, [paymentId, shown]) {
      const values = parseInput(
        z.object({ amount: z.string().trim().min(1, 'the amount received'), note: z.string().trim().max(500).optional() }),
        modalValues(ctx.interaction),
        'amount',
      );
      const order = await ctx.services.payments.orderOfPayment(ctx.tenant.id, paymentId);
      const amountCents = parseMoneyInput(values.amount, order.currency);
      if (!amountCents)
        throw new AppError('VALIDATION_FAILED', `"${values.amount}" is not an amount: type it like 20.00 (${order.currency}).`);
      const r = await ctx.services.payments.recordReceipt(
        ctx.adminContext(),
        { paymentId },
        {
          amountCents,
          note: values.note || undefined,
          ...(typeof shown === 'number' ? { owedCentsShown: shown } : { receivedCentsShown: shown?.receivedCents }),
          idempotencyKey: `discord:${ctx.interaction.id}`,
        },
      );
      // The order with its refunds, as the post shows it (receivedText).
      const detail = await ctx.services.orders.get(ctx.tenant.id, r.order.id);
      const outcomes = await processorRefundOutcomes(ctx.services.db, ctx.tenant.id, r.order.id);
      if (r.paid || r.order.status !== 'PENDING_PAYMENT') {
        // receivedText already names an overpayment and says to return it.
        return decided(ctx, {
          approved: true,
          by: ctx.user.id,
          number: r.order.number,
          already: !r.changed,
          // Recorded, but the order was paid before this money (an extra receipt): not this admin's approval.
          paidBefore: r.changed && !r.paid,
          detail: receivedText(detail, outcomes) ?? undefined,
        });
      }
      // Still owed: the order's message again, with what was received (the buttons stay).
      const message = adminOrderMessage({
        order: detail,
        customer: detail.customer,
        paymentId,
        paymentMethod: r.payment?.method ?? detail.paymentMethod,
        refundOutcomes: outcomes,
      });
      return ctx.interaction.type === InteractionType.ModalSubmit && ctx.interaction.message
        ? update(message)
        : ephemeral({ embeds: [receiptEmbed(r, true)] });
    },
  },
  // "Record another $35.00" on the question a repeated /payment-confirm amount: got: recorded as another payment while
  // the order has still received what the question showed (pressed twice, or money recorded since: refused, nothing
  // recorded twice). The question (the admin's own, ephemeral) becomes the receipt's answer.
  'payment:receipt-again': {
    kind: 'component',
    adminOnly: true,
    async run(ctx, [orderId, amountCents, shown]) {
      const r = await ctx.services.payments.recordReceipt(
        ctx.adminContext(),
        { orderId },
        { amountCents, receivedCentsShown: shown.receivedCents, idempotencyKey: `discord:${ctx.interaction.id}` },
      );
      return update({ embeds: [receiptEmbed(r, true)], components: [] });
    },
  },
  // The modal carries what the order had received when it opened ("r" and whole cents), and its title says it when
  // money has come in: rejected only while the order has still received that (payments.reject's receivedCentsShown).
  // Another admin recording money while this one types the reason refuses the rejection, and the post is redrawn.
  'payment:reject': {
    kind: 'component',
    adminOnly: true,
    async run(ctx, [paymentId]) {
      // Pressed on a post that showed another amount received than the order has now (money recorded elsewhere, the
      // post's refresh not run yet): refused at the press, as "Record amount received" is, and the post redrawn.
      const order = await ctx.services.payments
        .openPostForm(ctx.adminContext(), paymentId, receivedShownOnPost(ctx.interaction))
        .catch((err: unknown) => {
          throw atThePress(err, 'reject');
        });
      const received = order.amountReceivedCents;
      const title = received > 0 ? `Reject payment (${formatMoney(received, order.currency)} received)` : 'Reject payment';
      return modal(customId('payment:reject-modal', paymentId, `r${received}`), title, [
        {
          id: 'reason',
          label: 'Reason (sent to the customer)',
          style: TextInputStyle.Paragraph,
          maxLength: 500,
          placeholder: 'No payment received',
        },
      ]);
    },
  },
  'payment:reject-modal': {
    kind: 'modal',
    adminOnly: true,
    async run(ctx, [paymentId, shown]) {
      const { reason } = parseInput(
        z.object({ reason: z.string().trim().min(1, 'a reason').max(500) }),
        modalValues(ctx.interaction),
        'reason',
      );
      const { order, payment, changed } = await ctx.services.payments
        .reject(ctx.adminContext(), { paymentId, reason, receivedCentsShown: shown?.receivedCents })
        .catch(async (err: unknown) => {
          // Money recorded while the reason was typed: the post is drawn again with it before the admin reads why.
          if (isAppError(err) && err.code === 'CONFLICT') await ctx.services.payments.redrawAdminPost(ctx.tenant.id, paymentId);
          throw err;
        });
      // With its refunds (the cancel's record of money owed back): what the post's "Received" says now.
      const now = await ctx.services.orders.get(ctx.tenant.id, order.id);
      const outcomes = await processorRefundOutcomes(ctx.services.db, ctx.tenant.id, order.id);
      // Nothing changed: the reason the customer was sent is the recorded one, not the one just typed.
      return decided(ctx, {
        approved: false,
        by: ctx.user.id,
        number: order.number,
        reason: changed ? reason : (payment?.rejectedReason ?? undefined),
        already: !changed,
        cancelledBefore: !changed && payment?.status !== 'rejected',
        // Money received before the rejection is owed back now, not still owed.
        received: receivedText(now, outcomes),
      });
    },
  },
};
