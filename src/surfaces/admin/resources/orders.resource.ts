// Orders (spec 000 "Order Management"): list, detail, update, mark as paid, cancel, refund, delete.
// Every write is a module service call with the admin's TenantContext; AdminJS's generic writes are
// replaced by handlers, so nothing here writes an order row itself.
import { refundBreakdown } from '../../../modules/refunds/refund-breakdown.js';
import type { ActionContext, ActionRequest, ActionResponse, After, RecordActionResponse, ResourceWithOptions } from 'adminjs';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Services } from '../services.js';
import { OrderStatus, ShippingStatus } from '../../../generated/prisma/index.js';
import { AppError, isAppError, validationError } from '../../../platform/errors.js';
import { currencyDecimals, formatMoney, parseMoneyInput } from '../../../platform/money.js';
import { formatDate, formatDateTime } from '../../../platform/time-format.js';
import { CARRIER_CODES, CARRIERS } from '../../../modules/shipping/carriers.js';
import { parseInput } from '../../../platform/validate.js';
import { editableOrderStatuses, editableShippingStatuses, orderNumberTyped } from '../../../modules/orders/index.js';
import { moneyReturnFor } from '../../../modules/payments-processor/processor-refund.task.js';
import { panelAdminOf, tenantContextOf } from '../auth/panel-admin.js';
import { SHOWN_PARAM, type ScopedPrismaResource } from '../adapter/scoped-resource.js';
import { FORM_OUT_OF_DATE, parseShown } from '../../../platform/form-edits.js';
import type { RefundConfirmationDetails } from '../../../modules/order-admin/cancel-refund-consent.js';
import { cancelRefundAsk, cancelRefundDone } from './order-cancel-refund.js';
import { enumProperty } from './enum-columns.js';
import type { AdminComponents } from '../components/component-loader.js';
import { canManage, canRead, never } from './access.js';
import { errorNotice } from './admin-errors.js';
import { refundFieldOf, refundLineErrors, refundLinesNotice } from './refund-form-fields.js';
import { EVENTS } from '../../../modules/shared/events.js';
import {
  availableValues,
  labelOf,
  ORDER_STATUS_BADGES,
  ORDER_STATUS_LABELS,
  PAYMENT_METHOD_LABELS,
  SHIPPING_STATUS_LABELS,
} from '../presentation/labels.js';
import { customerLabel, manualReturnInstruction, methodWord, orderView } from './order-view.js';
import { flaggedPayments } from '../../../modules/payments-processor/checkouts/flagged-payments.query.js';
import { auditTimelineOf } from './audit-trail.js';
import type { ScopedResourceOptions } from '../adapter/scoped-resource.js';
import type { Db } from '../../../platform/db/prisma.js';
import { keepTyped } from './validation.js';
import { extendPayWindowAction } from './pay-window.action.js';
import { buttonAction } from './button-action.js';
import { moneyProperty } from './money-columns.js';
import { typedAmountAction } from './typed-amount.action.js';
import { lines, moneyInputExample } from '../schemas/form-fields.js';
import { shopTimeZone } from '../shop-time-zone.js';
import { likeLiteral } from '../../../platform/db/like-text.js';
import { PROCESSOR_REFUND_OUTCOME, refundMoneyBack, refundRecordedWords } from '../../../modules/refunds/refund-money-back.js';
import { LINE_QUANTITY_MAX } from '../components/whole-quantity.js';
import { processorRefundOutcomes } from '../../../modules/payments-processor/processor-refund-outcome.query.js';

/** Statuses in which money was taken and not all of it returned: refunds apply (mirrors the module's PAID_STATUSES). */
const REFUNDABLE: readonly string[] = ['PAID', 'FULFILLING', 'SHIPPED', 'COMPLETE', 'PARTIALLY_REFUNDED'];

/** AdminJS posts an empty field of a null column as null: empty, like ''. */
const optionalText = z.string().nullable().optional();

/** One line as the quantity inputs post it (components/order-lines-edit.tsx, components/refund-form.tsx). */
const QUANTITY = `a quantity is a whole number from 0 to ${LINE_QUANTITY_MAX}`;
const quantityLine = z.object({
  productId: z.string().trim().min(1).max(100),
  quantity: z.number({ error: QUANTITY }).int(QUANTITY).min(0, QUANTITY).max(LINE_QUANTITY_MAX, QUANTITY),
});

/** A JSON list posted in one form field; VALIDATION_FAILED naming the field when it is not that list. */
function jsonField<T extends z.ZodType>(schema: T, text: string, field: string, what: string): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw validationError([{ path: [field], message: `${what} could not be read; reload the page and try again` }], 'order');
  }
  const parsed = schema.safeParse(raw);
  // The issues' places are inside the field ("lineItems.0.quantity"), so the form shows them under it.
  if (!parsed.success)
    throw validationError(
      parsed.error.issues.map((i) => ({ path: [field, ...i.path], message: i.message })),
      what,
    );
  return parsed.data as z.infer<T>;
}

/**
 * The line items as the edit form's quantity inputs post them: [{ productId, quantity }]. A quantity of 0
 * removes the line; an empty field (the order's lines were not shown for editing) leaves them alone.
 */
export function lineItemsFromForm(text: string | null | undefined): { productId: string; quantity: number }[] | undefined {
  if (!text || text.trim() === '') return undefined;
  const lines = jsonField(z.array(quantityLine).max(100), text, 'lineItems', 'line items').filter((l) => l.quantity > 0);
  if (!lines.length)
    throw validationError(
      [{ path: ['lineItems'], message: 'an order needs at least one item; to stop it, cancel the order instead' }],
      'order',
    );
  return lines;
}

/** The edit form's field a refusal is about: the service's `items` are the form's `lineItems`. */
const EDIT_FIELDS = new Set(['status', 'shippingStatus', 'trackingNumber', 'shippingCarrier', 'notes', 'lineItems']);
const editFieldOf = (path: string): string | undefined => {
  const head = path.split('.')[0] ?? '';
  const field = head === 'items' ? 'lineItems' : head;
  return EDIT_FIELDS.has(field) ? field : undefined;
};

/**
 * The edit form as AdminJS posts it (strings, null for empty). Unchanged values are sent too, with the values the
 * form showed (SHOWN_PARAM): the service writes only what was changed from those (platform/form-edits.ts).
 */
const editOrderForm = z.object({
  status: z.enum(OrderStatus).optional(),
  shippingStatus: z.enum(ShippingStatus).optional(),
  trackingNumber: optionalText,
  shippingCarrier: z
    .union([z.enum(CARRIER_CODES), z.literal('')])
    .nullable()
    .optional(),
  notes: lines().nullable().optional(),
  lineItems: optionalText,
  /** The tick box under Status after a Save that would refund (components/cancel-refund-confirm.tsx): the cents it confirms. */
  confirmRefundCents: z
    .string()
    .trim()
    .regex(/^\d{0,15}$/, 'reload the page and try again')
    .nullable()
    .optional()
    .transform((v) => (v ? Number(v) : undefined)),
});

/**
 * The order's editable fields as the edit form showed them, its lines (`lineItems`, added by the edit's GET) as the
 * service's `items`. Lines of another shape (a hand-made post) are a form out of date.
 */
function pickShown(shown: Record<string, unknown>) {
  const keys = ['status', 'shippingStatus', 'trackingNumber', 'shippingCarrier', 'notes'] as const;
  const fields: Record<string, unknown> = Object.fromEntries(keys.filter((k) => k in shown).map((k) => [k, shown[k]]));
  if (!('lineItems' in shown)) return fields;
  const items = z.array(quantityLine.strict()).max(100).safeParse(shown.lineItems);
  if (!items.success) throw new AppError('CONFLICT', FORM_OUT_OF_DATE);
  return { ...fields, items: items.data };
}

/** The refund form (components/refund-form.tsx): `lines` is the JSON of its per-line inputs. */
const refundForm = z.object({
  intent: z.enum(['preview', 'refund']),
  mode: z.enum(['FULL', 'PARTIAL_AMOUNT', 'PARTIAL_ITEMS', 'BOTH']).default('FULL'),
  /** Typed as money in the order's currency ("12.50", "12,50"), never in cents. */
  amount: z.string().trim().max(40).optional(),
  lines: z.string().optional(),
  reason: z.string().trim().max(500).optional(),
  idempotencyKey: z.string().trim().max(200).optional(),
  /**
   * The amount refunded the form showed (its hidden refundedShown, whole cents, from the action's GET): the refund is
   * refused when the order has refunded another amount since (refunds/refunded-meanwhile.ts). None from a page opened
   * before the form sent it: not checked.
   */
  refundedShown: z
    .string()
    .trim()
    .regex(/^\d{1,15}$/, 'reload the page and try again')
    .optional(),
});

const refundLine = quantityLine.extend({ restock: z.boolean() });

export interface RefundFormInput {
  amountCents?: number;
  items?: { productId: string; quantity: number; restock: boolean }[];
  reason?: string;
  idempotencyKey?: string;
  seen?: { refundedCents: number };
}

/**
 * Turns the refund form into the service's RefundInput; the mode decides which fields count. The amount is read
 * as money in the order's `currency` (platform/money.ts parseMoneyInput, the panel's one rule for typed money).
 */
export function refundInputFromForm(payload: unknown, currency: string): { intent: 'preview' | 'refund'; input: RefundFormInput } {
  const form = parseInput(refundForm, payload, 'refund form');
  const input: RefundFormInput = {
    reason: form.reason || undefined,
    idempotencyKey: form.idempotencyKey || undefined,
    ...(form.refundedShown ? { seen: { refundedCents: Number(form.refundedShown) } } : {}),
  };
  if (form.mode === 'PARTIAL_AMOUNT' || form.mode === 'BOTH') {
    const typed = form.amount ?? '';
    const cents = typed ? parseMoneyInput(typed, currency) : null;
    if (cents === null || cents <= 0) {
      const how = `like ${moneyInputExample(currency)} (${currency})`;
      const decimals = currencyDecimals(currency);
      const message = !typed
        ? `Type the amount to refund ${how}.`
        : cents === 0
          ? 'The amount to refund must be more than 0.'
          : `"${typed}" is not an amount: type it ${how}, ${decimals ? `with at most ${decimals} decimals` : 'in whole units'}.`;
      throw validationError([{ path: ['amount'], message }], 'refund form');
    }
    input.amountCents = cents;
  }
  if (form.mode === 'PARTIAL_ITEMS' || form.mode === 'BOTH') {
    const items = jsonField(z.array(refundLine).max(100), form.lines ?? '[]', 'lines', 'refund lines').filter((l) => l.quantity > 0);
    if (!items.length)
      throw validationError([{ path: ['lines'], message: 'set the quantity to refund on at least one line' }], 'refund form');
    input.items = items;
  }
  return { intent: form.intent, input };
}

/** The orders list's count stops here and shows "10,000+" beyond it (adapter/scoped-resource.ts countCap). */
export const ORDER_COUNT_CAP = 10_000;

/** Customers a search term may name before the search stops narrowing by customer id (see orderSearch). */
const SEARCH_CUSTOMER_LIMIT = 200;

/**
 * The orders list's search box (filters.q): customer name, Discord username or user id, or order number.
 * The shop's matching customers are looked up first and the orders filtered by their ids: PostgreSQL then
 * reads just those customers' orders from orders (tenantId, customerId, createdAt, id), instead of testing
 * every order of the shop against a customer subquery. A term matching more than SEARCH_CUSTOMER_LIMIT
 * customers is broad enough that newest-first order finds a page quickly: it is filtered through the relation.
 */
export function orderSearch(db: Db) {
  return async (term: string, scope: Record<string, string>): Promise<Record<string, unknown>> => {
    const t = term.replace(/^#/, '').trim();
    // As typed: "%" or "_" is not a wildcard (platform/db/like-text.ts).
    const asTyped = likeLiteral(t);
    const names = [
      { displayName: { contains: asTyped, mode: 'insensitive' as const } },
      { username: { contains: asTyped, mode: 'insensitive' as const } },
      { discordUserId: t },
    ];
    const typed = orderNumberTyped(term);
    const number = typed === null ? [] : [{ number: typed }];
    const customers = await db.customer.findMany({
      where: { AND: [scope, { OR: names }] },
      select: { id: true },
      take: SEARCH_CUSTOMER_LIMIT + 1,
    });
    if (customers.length > SEARCH_CUSTOMER_LIMIT) return { OR: [...names.map((n) => ({ customer: n })), ...number] };
    return { OR: [{ customerId: { in: customers.map((c) => c.id) } }, ...number] };
  };
}

/** The Order resource's adapter options (admin.router.ts passes them to the scoped resource). */
export function orderResourceOptions(db: Db): ScopedResourceOptions {
  return {
    textSearch: { param: 'q', where: orderSearch(db) },
    sortAliases: { total: 'totalCents' },
    // Read newest first, as the list is: the (tenantId, [status | customerId,] createdAt, id) indexes serve it.
    countCap: { at: ORDER_COUNT_CAP, orderBy: { createdAt: 'desc' } },
  };
}

export function orderResource(deps: {
  services: Services;
  resource: ScopedPrismaResource;
  components: AdminComponents;
}): ResourceWithOptions {
  const { services, components } = deps;
  const { logger } = services;

  /** The detail page's data (formatted), set on a record's params for components/order-show.tsx. */
  const addDetail = async (params: Record<string, unknown>, orderId: string, tenantId: string) => {
    const detail = await services.orders.get(tenantId, orderId);
    // The audit trail as the readable timeline (who, what, before -> after, money as money, shop time zone);
    // product ids in it (refunded lines, item edits) read as the order's product names.
    const productNames = Object.fromEntries(detail.items.map((i) => [i.productId, i.name]));
    const [{ timeline, actors, timeZone }, flagged, processorOutcomes] = await Promise.all([
      auditTimelineOf(services, tenantId, 'Order', orderId, {
        words: { productId: productNames },
        // Who made each refund, ticked its return done, and recorded each receipt: named with the history's actors, in
        // one read, by the one rule (audit/actor-names.ts).
        alsoNaming: [
          ...detail.refunds.flatMap((r) => [
            r,
            ...(r.manualReturnDoneByType ? [{ actorType: r.manualReturnDoneByType, actorId: r.manualReturnDoneById }] : []),
          ]),
          ...detail.receipts,
        ],
      }),
      flaggedPayments(services.db, tenantId, orderId),
      processorRefundOutcomes(services.db, tenantId, orderId),
    ]);
    params.detailJson = JSON.stringify(orderView(detail, timeline, actors, timeZone, flagged, services.clock.now(), processorOutcomes));
    params.total = formatMoney(detail.totalCents, detail.currency);
  };

  // After an action the frontend shows the returned record on the detail page: it must carry the new detail.
  const recordJson = async (context: ActionContext, notice?: RecordActionResponse['notice']): Promise<RecordActionResponse> => {
    const fresh = await context.resource.findOne(context.record!.id(), context);
    const json = (fresh ?? context.record!).toJSON(context.currentAdmin);
    if (fresh) await addDetail(json.params, fresh.id(), tenantContextOf(context).tenantId);
    return { record: json, ...(notice ? { notice } : {}) };
  };
  const showUrl = (context: ActionContext) =>
    context.h.recordActionUrl({ resourceId: context.resource.id(), recordId: context.record!.id(), actionName: 'show' });

  // List: customer name and money total as display columns (batched: one query per page).
  const listAfter: After<ActionResponse> = async (response, _request, context) => {
    const admin = panelAdminOf(context);
    const records = (response.records ?? []) as { params: Record<string, unknown> }[];
    const ids = [...new Set(records.map((r) => String(r.params.customer ?? '')))].filter(Boolean);
    const [customers, timeZone] = await Promise.all([
      admin.tenantId && ids.length ? services.db.customer.findMany({ where: { tenantId: admin.tenantId, id: { in: ids } } }) : [],
      records.length ? shopTimeZone(services.db, admin.tenantId) : 'UTC',
    ]);
    const byId = new Map(customers.map((c) => [c.id, customerLabel(c)]));
    for (const r of records) {
      r.params.customerName = byId.get(String(r.params.customer)) ?? '';
      r.params.total = formatMoney(Number(r.params.totalCents ?? 0), String(r.params.currency ?? 'USD'));
      // Words for the status cell and the phone summary under the order number (components/order-number-cell.tsx),
      // and the order's day in the shop's zone for that summary.
      r.params.statusLabel = labelOf(ORDER_STATUS_LABELS, r.params.status);
      r.params.paymentMethodLabel = labelOf(PAYMENT_METHOD_LABELS, r.params.paymentMethod);
      r.params.createdDay = formatDate(r.params.createdAt as string | Date | undefined, timeZone);
    }
    return response;
  };

  // Show: the full detail (lines, address, payments, discount, tax, notes, refunds, audit trail).
  const showAfter: After<ActionResponse> = async (response, _request, context) => {
    if (!response.record?.id) return response;
    await addDetail(response.record.params, response.record.id, tenantContextOf(context).tenantId);
    return response;
  };

  const editHandler = async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    const ctx = tenantContextOf(context);
    const record = context.record!;
    if (request.method !== 'post') {
      const detail = await services.orders.get(ctx.tenantId, record.id());
      const money = (c: number) => formatMoney(c, detail.currency);
      // The quantity inputs (components/order-lines-edit.tsx) start empty-valued: the lines change only
      // when the admin changes a quantity or adds a product.
      record.params.lineItems = '';
      const editable = detail.status === 'PENDING_PAYMENT';
      const products = editable
        ? await services.db.product.findMany({ where: { tenantId: ctx.tenantId, active: true }, orderBy: { name: 'asc' }, take: 500 })
        : [];
      record.params.lineItemsContextJson = JSON.stringify({
        editable,
        lines: detail.items.map((i) => ({
          productId: i.productId,
          name: i.name,
          quantity: i.quantity,
          unitPrice: money(i.unitPriceCents),
        })),
        products: products.map((p) => ({
          productId: p.id,
          name: p.name,
          unitPrice: money(p.unitPriceCents),
          stock: p.trackStock ? p.stock : null,
        })),
      });
      // The selects offer only where this order can go (components/transition-select.tsx).
      // The lines as shown travel with the form too: a Save posts the whole list, replacing lines only while the
      // order still has these (update-order.command.ts), not over a colleague's change since.
      const shown = parseShown(record.params[SHOWN_PARAM]);
      if (shown)
        record.params[SHOWN_PARAM] = JSON.stringify({
          ...shown,
          lineItems: detail.items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
        });
      record.params.statusOptions = JSON.stringify(editableOrderStatuses(detail.status));
      record.params.shippingStatusOptions = JSON.stringify(editableShippingStatuses(detail.shippingStatus));
      return { record: record.toJSON(context.currentAdmin) };
    }
    try {
      const form = parseInput(editOrderForm, request.payload ?? {}, 'order');
      const items = lineItemsFromForm(form.lineItems);
      // A save without the order as the form loaded it (a tab opened before forms carried it, a hand-made POST)
      // cannot tell the admin's changes from values someone else changed since: refused, nothing written.
      const shown = parseShown(request.payload?.[SHOWN_PARAM]);
      if (!shown) throw new AppError('CONFLICT', FORM_OUT_OF_DATE);
      const saved = await services.orderAdmin.update(ctx, record.id(), {
        shown: pickShown(shown),
        confirmRefundCents: form.confirmRefundCents,
        status: form.status,
        shippingStatus: form.shippingStatus,
        trackingNumber: form.trackingNumber,
        shippingCarrier: form.shippingCarrier,
        notes: form.notes,
        items,
      });
      return {
        ...(await recordJson(context, {
          // A paid order cancelled: what its refund did, in the words of the question that confirmed it.
          message: saved.cancelRefund ? cancelRefundDone(saved.cancelRefund) : `Order #${String(record.params.number)} saved.`,
          type: 'success',
        })),
        redirectUrl: showUrl(context),
      };
    } catch (err) {
      // A refused save keeps what was typed, and says why in the notice and under the field it is about.
      keepTyped(context.record, request.payload);
      if (isAppError(err) && err.code === 'REFUND_CONFIRMATION_REQUIRED' && context.record) {
        // The Save would refund: say what, and offer the tick box that confirms this amount (unticked: an earlier
        // tick confirmed another amount, or none).
        const ask = cancelRefundAsk(err.details as unknown as RefundConfirmationDetails);
        context.record.params.refundConfirmationJson = JSON.stringify(ask);
        context.record.params.confirmRefundCents = '';
        return errorNotice(new AppError(err.code, ask.text), context, logger);
      }
      return errorNotice(err, context, logger, editFieldOf);
    }
  };

  const markAsPaid = async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    try {
      const { order, changed } = await services.payments.confirm(tenantContextOf(context), { orderId: context.record!.id() });
      const message = changed ? `Order #${order.number} marked as paid.` : `Order #${order.number} was already paid.`;
      return { ...(await recordJson(context, { message, type: 'success' })), redirectUrl: showUrl(context) };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  // The order page's "Record money received" (components/order-show.tsx); POST only. The amount as typed
  // in the order's currency ("20.00"); parts accumulate and the order is paid once they cover the total.
  const recordReceiptHandler = typedAmountAction(logger, recordJson, {
    what: 'receipt',
    required: true,
    notMoney: (currency) => `Type the amount received like 20.00 (${currency}).`,
    // The page's hidden field of what it showed as received: recorded only while the order has received that (two
    // admins recording the same transfer, or an extra payment on a paid order, at once: the second is told).
    run: async (context, { amountCents, note, receivedShown }) => {
      const r = await services.payments.recordReceipt(
        tenantContextOf(context),
        { orderId: context.record!.id() },
        { amountCents, note, receivedCentsShown: receivedShown },
      );
      const money = (c: number) => formatMoney(c, r.order.currency);
      return [
        `Recorded ${money(amountCents)} received on order #${r.order.number}.`,
        r.paid ? 'The order is now paid.' : r.remainingCents > 0 ? `${money(r.remainingCents)} still owed.` : '',
        r.overpaidCents ? `Overpaid by ${money(r.overpaidCents)}: return the difference to the customer.` : '',
      ]
        .filter(Boolean)
        .join(' ');
    },
    // A refused amount is said under the amount field too (the form keeps what was typed): the field's own
    // message, or the whole refusal when it is about the amount as a whole (more than twice the total).
    fieldOf: (path) => (path === 'amount' || path === 'note' ? path : undefined),
    wholeRefusalUnderAmount: true,
  });

  // The order page's "Mark overpayment returned" (components/order-show.tsx, under Overpaid); POST only. The amount
  // as typed in the order's currency, all of the overpayment when empty; never more than it (the module checks,
  // under the order's lock, so a second admin's press is refused instead of recorded twice).
  const returnOverpaymentHandler = typedAmountAction(logger, recordJson, {
    what: 'overpayment return',
    required: false,
    notMoney: (currency) => `Type the amount sent back like ${moneyInputExample(currency)} (${currency}), or leave it empty for all of it.`,
    run: async (context, { amountCents, note }) => {
      const r = await services.payments.returnOverpayment(tenantContextOf(context), context.record!.id(), { amountCents, note });
      const money = (c: number) => formatMoney(c, r.order.currency);
      return r.overpaidCents
        ? `Marked ${money(r.returnedCents)} of the overpayment as returned on order #${r.order.number}; ${money(r.overpaidCents)} is still to return.`
        : `Marked ${money(r.returnedCents)} of the overpayment as returned on order #${r.order.number}; nothing is left to return.`;
    },
    fieldOf: (path) => (path === 'amount' || path === 'amountCents' ? 'amount' : path === 'note' ? path : undefined),
  });

  // "Invoice link": a signed link to the order's invoice page, shown to copy on its own page
  // (components/invoice-link.tsx, which POSTs when it opens: a GET only loads the order); "Send invoice link by
  // DM" (a button) also sends it to the customer (order.invoice_link_sent, a retried job on the Discord surface).
  const invoiceLink =
    (send: boolean) =>
    async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
      if (!send && request.method !== 'post') return recordJson(context);
      try {
        const ctx = tenantContextOf(context);
        const link = await services.invoices.createLink(ctx, context.record!.id());
        // Each press is its own DM (sendId), even when the link signed is the same as the last one's.
        const sendId = randomUUID();
        if (send)
          await services.bus.emit(
            services.db,
            EVENTS.invoiceLinkSent,
            { tenantId: ctx.tenantId, orderId: context.record!.id(), url: link.url, sendId },
            { jobKey: `invoice-link:${sendId}` },
          );
        // In the shop's time zone and the panel's one format, as every other time on the page.
        const until = formatDateTime(link.expiresAt, await shopTimeZone(services.db, ctx.tenantId));
        const message = send
          ? `Invoice link sent to the customer by DM (valid until ${until}).`
          : `Invoice link (valid until ${until}): ${link.url}`;
        return {
          ...(await recordJson(context, { message, type: 'success' })),
          invoiceLink: link.url,
          invoiceLinkExpiresAt: link.expiresAt.toISOString(),
          // The invoice link page shows this as it comes: one date rule, the server's.
          invoiceLinkExpiresShown: until,
        } as RecordActionResponse;
      } catch (err) {
        return errorNotice(err, context, logger);
      }
    };

  const cancelOrder = async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    try {
      const { order, changed } = await services.orderAdmin.cancel(tenantContextOf(context), context.record!.id(), {
        note: 'Cancelled in the admin panel',
      });
      const message = changed
        ? `Order #${order.number} cancelled; reserved stock was released.`
        : `Order #${order.number} was already cancelled.`;
      return { ...(await recordJson(context, { message, type: 'success' })), redirectUrl: showUrl(context) };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  const refundHandler = async (
    request: ActionRequest,
    _response: unknown,
    context: ActionContext,
  ): Promise<RecordActionResponse & { preview?: unknown; result?: unknown }> => {
    const ctx = tenantContextOf(context);
    const record = context.record!;
    if (request.method !== 'post') {
      const detail = await services.orders.get(ctx.tenantId, record.id());
      const settled = detail.payments.filter((p) => p.status === 'paid' || p.status === 'partially_refunded').at(-1) ?? null;
      const byHand = moneyReturnFor(settled) === 'manual';
      const method = settled?.method ?? detail.paymentMethod;
      record.params.refundContextJson = JSON.stringify({
        number: detail.number,
        status: detail.status,
        statusLabel: labelOf(ORDER_STATUS_LABELS, detail.status),
        customer: customerLabel(detail.customer),
        // Said before the refund, so nobody expects Ledgerline to move the money of a P2P payment.
        moneyReturn: byHand
          ? `Ledgerline does not send money for ${methodWord(method)} payments: after refunding, send the amount back to ${customerLabel(detail.customer)} by ${methodWord(method)} yourself.`
          : `${methodWord(method)} sends the money back to the customer after you refund.`,
        currency: detail.currency,
        // The amount field's hint: typed as money in the order's currency, as refundInputFromForm reads it.
        amountHint: `In ${detail.currency}, typed like ${moneyInputExample(detail.currency)}${currencyDecimals(detail.currency) ? ` or ${moneyInputExample(detail.currency).replace('.', ',')}` : ' (whole units)'}; at most ${formatMoney(detail.totalCents - detail.refundedTotalCents, detail.currency)}.`,
        amountExample: moneyInputExample(detail.currency),
        total: formatMoney(detail.totalCents, detail.currency),
        refunded: formatMoney(detail.refundedTotalCents, detail.currency),
        // Posted back with the refund (refundedShown): refunded only while the order has still refunded this.
        refundedCents: detail.refundedTotalCents,
        remaining: formatMoney(detail.totalCents - detail.refundedTotalCents, detail.currency),
        lines: detail.items.map((i) => ({
          productId: i.productId,
          name: i.name,
          quantity: i.quantity,
          refundedQuantity: i.refundedQuantity,
          left: i.quantity - i.refundedQuantity,
          unitPrice: formatMoney(i.unitPriceCents, detail.currency),
        })),
      });
      return { record: record.toJSON(context.currentAdmin) };
    }
    try {
      const { intent, input } = refundInputFromForm(request.payload ?? {}, String(record.params.currency ?? 'USD'));
      const money = (c: number) => formatMoney(c, String(record.params.currency ?? 'USD'));
      if (intent === 'preview') {
        const plan = await services.refunds.preview(ctx, record.id(), input);
        return {
          record: record.toJSON(context.currentAdmin),
          preview: {
            ...plan,
            amount: money(plan.amountCents),
            // Which part of it is sales tax (and discount, shipping): docs/decisions/refund-tax-share.md.
            breakdown: refundBreakdown(plan, String(record.params.currency ?? 'USD')),
            tax: money(plan.taxCents),
            refundedBefore: money(plan.refundedBeforeCents),
            remainingAfter: money(plan.remainingAfterCents),
            resultingStatusLabel: labelOf(ORDER_STATUS_LABELS, plan.resultingStatus),
            items: plan.items.map((i) => ({ ...i, amount: money(i.amountCents) })),
          },
        };
      }
      const { refund, order, plan } = await services.refunds.refund(ctx, record.id(), input);
      const status = labelOf(ORDER_STATUS_LABELS, order.status);
      const parts = ` (${refundBreakdown(plan, order.currency)})`;
      const back = refundMoneyBack(refund);
      let message: string;
      if (back.by !== 'processor') {
        // Nothing left the shop's account: say so, and what to do (the order page keeps the to-do).
        const customer = await services.db.customer.findFirst({ where: { id: order.customerId, tenantId: ctx.tenantId } });
        const instruction = manualReturnInstruction(
          money(back.byHandCents),
          customer ? customerLabel(customer) : 'the customer',
          back.method,
        );
        message =
          back.by === 'both'
            ? `${refundRecordedWords(`${money(refund.amountCents)}${parts}`, order.number)} (now ${status}). ${money(back.processorCents)}, what the payment processor took, is being sent to it to return to the customer. ${PROCESSOR_REFUND_OUTCOME} The rest was paid by hand: ${instruction} Then tick it done on the order page.`
            : `${refundRecordedWords(`${money(refund.amountCents)}${parts}`, order.number)} (now ${status}). No money was sent: ${instruction} Then tick it done on the order page.`;
      } else {
        // The refund job sends it after this answer: being sent, not sent (refund-money-back.ts).
        message = `${refundRecordedWords(`${money(refund.amountCents)}${parts}`, order.number)} (now ${status}). The money is being sent to the payment processor, which returns it to the customer. ${PROCESSOR_REFUND_OUTCOME}`;
      }
      return {
        ...(await recordJson(context, { message, type: 'success' })),
        result: { refundId: refund.id, status: order.status },
        redirectUrl: showUrl(context),
      };
    } catch (err) {
      // A refused amount is said under the amount field too (components/refund-form.tsx): its own refusal, or
      // the whole one when it is more than is still refundable. A refused quantity under its line's input.
      const refused = errorNotice(err, context, logger, refundFieldOf(request.payload?.lines));
      const typedAmount = ['PARTIAL_AMOUNT', 'BOTH'].includes(String(request.payload?.mode ?? ''));
      refused.record.errors = { ...refused.record.errors, ...refundLineErrors(err) };
      if (isAppError(err) && err.code === 'VALIDATION_FAILED') {
        const names = await services.db.orderItem.findMany({
          where: { orderId: record.id(), order: { tenantId: ctx.tenantId } },
          select: { productId: true, name: true },
        });
        const said = refundLinesNotice(
          refused.record.errors as Record<string, { message: string }>,
          (id) => names.find((n) => n.productId === id)?.name,
        );
        if (said) refused.notice = { type: 'error', message: said };
      }
      if (isAppError(err) && err.code === 'REFUND_EXCEEDS_BALANCE' && typedAmount)
        refused.record.errors = { ...refused.record.errors, amount: { message: err.message } };
      return refused;
    }
  };

  // The order page's "Sent" tick on a by-hand refund (components/manual-refund-todo.tsx); POST only.
  const markRefundReturned = async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
    try {
      const { refundId } = parseInput(z.object({ refundId: z.string().trim().min(1).max(100) }), request.payload ?? {}, 'refund');
      const ctx = tenantContextOf(context);
      // The refund must be one of THIS order's (the service already scopes it to the tenant).
      const owned = await services.db.refund.count({ where: { id: refundId, orderId: context.record!.id(), tenantId: ctx.tenantId } });
      if (!owned) throw new AppError('NOT_FOUND', `Refund ${refundId} is not on this order.`, { refundId });
      const { refund, changed } = await services.refunds.markManualReturnDone(ctx, refundId);
      const amount = formatMoney(refund.manualReturnCents ?? refund.amountCents, String(context.record!.params.currency ?? 'USD'));
      const message = changed
        ? `Marked as sent: ${amount} returned to the customer by ${methodWord(refund.manualReturnMethod ?? '')}.`
        : 'This refund was already marked as sent.';
      return recordJson(context, { message, type: 'success' });
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  const deleteHandler = async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
    try {
      const { number } = await services.orderAdmin.delete(tenantContextOf(context), context.record!.id());
      return {
        record: context.record!.toJSON(context.currentAdmin),
        redirectUrl: context.h.resourceUrl({ resourceId: context.resource.id() }),
        notice: { message: `Order #${number} was deleted; its reserved stock went back and its roles were revoked.`, type: 'success' },
      };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  const statusIs = (ctx: { record?: { params: Record<string, unknown> } }, statuses: readonly string[]) =>
    statuses.includes(String(ctx.record?.params.status ?? ''));

  return {
    resource: deps.resource,
    options: {
      id: 'Order',
      navigation: { name: 'Sales', icon: 'ShoppingCart' },
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['number', 'customerName', 'status', 'paymentMethod', 'total', 'createdAt'],
      filterProperties: ['q', 'status', 'paymentMethod', 'shippingStatus', 'createdAt'],
      editProperties: ['status', 'confirmRefundCents', 'shippingStatus', 'shippingCarrier', 'trackingNumber', 'notes', 'lineItems'],
      showProperties: ['number', 'status', 'total', 'createdAt'],
      properties: {
        // On a phone AdminJS shows only the title column: its cell adds the customer, status and total there.
        number: { isTitle: true, position: 1, components: { list: components.OrderNumberCell }, custom: { badges: ORDER_STATUS_BADGES } },
        customerName: { type: 'string', isSortable: false, position: 2 },
        // Sorted by totalCents (orderResourceOptions' sortAliases), shown as money.
        total: moneyProperty(components, { type: 'string', isSortable: true, position: 5 }),
        notes: { type: 'textarea' },
        status: enumProperty(components, ORDER_STATUS_LABELS, {
          badges: ORDER_STATUS_BADGES,
          options: { components: { edit: components.TransitionSelect } },
        }),
        shippingStatus: { availableValues: availableValues(SHIPPING_STATUS_LABELS), components: { edit: components.TransitionSelect } },
        paymentMethod: enumProperty(components, PAYMENT_METHOD_LABELS, { options: { position: 4 } }),
        q: {
          type: 'string',
          isVisible: { list: false, show: false, edit: false, filter: true },
          description: 'Customer name, Discord username or user id, or order number',
        },
        lineItems: { components: { edit: components.OrderLinesEdit } },
        // Shown only after a Save that would refund the order (a paid order's cancel) was refused for its confirmation.
        confirmRefundCents: { components: { edit: components.CancelRefundConfirm } },
        shippingCarrier: {
          availableValues: CARRIER_CODES.map((code) => ({ value: code, label: CARRIERS[code].name })),
          description: "For the tracking link in the customer's shipping message",
        },
        tenant: { isVisible: false },
      },
      actions: {
        // The list's total tag reads "10,000+" past the count cap (components/estimated-count-list.tsx).
        list: { isAccessible: canRead, after: listAfter, component: components.EstimatedCountList, custom: { countCap: ORDER_COUNT_CAP } },
        search: { isAccessible: canRead },
        show: { isAccessible: canRead, component: components.OrderShow, after: showAfter },
        new: { isAccessible: never },
        bulkDelete: { isAccessible: never },
        edit: { isAccessible: canRead, handler: editHandler },
        delete: {
          isAccessible: canManage,
          guard:
            'Delete this order permanently? Its lines, payments and refunds go with it. To stop an unpaid order, use Cancel instead (it keeps the record).',
          handler: deleteHandler,
        },
        markAsPaid: buttonAction({
          actionType: 'record',
          icon: 'CheckCircle',
          guard: 'Mark this order as paid? Do this only after you have verified the funds arrived.',
          isAccessible: (c) => canRead(c) && statusIs(c, ['PENDING_PAYMENT']),
          handler: markAsPaid,
        }),
        invoiceLink: {
          actionType: 'record',
          icon: 'Link',
          component: components.InvoiceLink,
          // The page has its own heading; AdminJS's header would repeat it over a row of the order's buttons.
          hideActionHeader: true,
          isAccessible: (c) => canRead(c) && statusIs(c, ['PENDING_PAYMENT']),
          handler: invoiceLink(false),
        },
        sendInvoiceLink: buttonAction({
          actionType: 'record',
          icon: 'Send',
          guard: 'Send the customer a DM with a link to pay this order?',
          isAccessible: (c) => canRead(c) && statusIs(c, ['PENDING_PAYMENT']),
          handler: invoiceLink(true),
        }),
        cancelOrder: buttonAction({
          actionType: 'record',
          icon: 'XCircle',
          guard: 'Cancel this order? Reserved stock is released and the customer is told.',
          isAccessible: (c) => canRead(c) && statusIs(c, ['PENDING_PAYMENT']),
          handler: cancelOrder,
        }),
        recordReceipt: {
          actionType: 'record',
          isVisible: false,
          component: false,
          isAccessible: canRead,
          handler: recordReceiptHandler,
        },
        returnOverpayment: {
          actionType: 'record',
          isVisible: false,
          component: false,
          isAccessible: canRead,
          handler: returnOverpaymentHandler,
        },
        extendPayWindow: {
          actionType: 'record',
          icon: 'Clock',
          component: components.ExtendPayWindow,
          isAccessible: (c) => canRead(c) && statusIs(c, ['PENDING_PAYMENT']),
          handler: extendPayWindowAction(services, recordJson),
        },
        markRefundReturned: {
          actionType: 'record',
          isVisible: false,
          component: false,
          isAccessible: canRead,
          handler: markRefundReturned,
        },
        refund: {
          actionType: 'record',
          icon: 'RotateCcw',
          component: components.RefundForm,
          isAccessible: (c) => canRead(c) && statusIs(c, REFUNDABLE),
          handler: refundHandler,
        },
      },
    },
  };
}
