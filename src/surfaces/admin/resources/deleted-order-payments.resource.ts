// Sales -> Payments for deleted orders: the checkouts a delete kept because they could still take money
// (deleted_order_checkouts, modules/payments-processor/checkouts/deleted-order-money.ts), read-only. A deleted
// order has no page, so this is where money that reached the provider for one is seen: what became of it
// (refunding, refunded, to return by hand, returned by hand), the amount, the provider's id, and what to do.
// "Returned by hand" records that an admin sent FLAGGED money back to the customer; the dashboard's
// "Money to return" lists what is still FLAGGED and links here.
// The list shows, unless its "Money" filter says otherwise, the payments money reached, those to return by hand
// first: a BTCPay invoice's row is kept for good though no money reached it (deleted-order-late-money.md), so
// over months such rows would bury the few that need the admin. Its header says how many it leaves out and
// shows them in one tap (components/deleted-order-payments-list.tsx).
// Staff may read it: they answer the customers who ask where their money went. Only a shop admin may mark it
// returned: it says the shop paid money out of its own account (a wallet, a bank), which staff do not hold.
import { flat } from 'adminjs';
import type { ActionContext, ActionResponse, ActionRequest, After, Before, RecordActionResponse, ResourceWithOptions } from 'adminjs';
import type { Services } from '../services.js';
import type { ScopedPrismaResource, ScopedResourceOptions } from '../adapter/scoped-resource.js';
import type { AdminComponents } from '../components/component-loader.js';
import { markDeletedOrderMoneyReturned } from '../../../modules/payments-processor/checkouts/deleted-order-money.js';
import { PROVIDER_DEFINITIONS } from '../../../modules/payments-processor/connections/provider-definitions.js';
import type { ProviderId } from '../../../modules/payments-processor/providers/provider.port.js';
import { tenantContextOf } from '../auth/panel-admin.js';
import { canManage, tenantReadOnly } from './access.js';
import { addAfter, tenantOfRecord } from './add-after.js';
import { errorNotice } from './admin-errors.js';
import { auditTimelineOf } from './audit-trail.js';
import { buttonAction } from './button-action.js';
import { moneyColumns, moneyProperty } from './money-columns.js';
import { enumProperty } from './enum-columns.js';
import { CHECKOUT_STATE_LABELS } from '../presentation/labels.js';
import { orderNumberTyped } from '../../../modules/orders/index.js';

export const DELETED_ORDER_PAYMENTS = 'DeletedOrderCheckout';

/**
 * lateMoneyAction in the shop owner's words (null: no money arrived for it), in the order the list shows them:
 * what the admin must do first, what is under way, what is done. That is the codes' own alphabetical order, which
 * the list sorts by (LIST_ORDER); deleted-order-payments.test.ts keeps the two the same.
 */
export const LATE_MONEY_WORDS: Record<string, string> = {
  FLAGGED: 'To return by hand',
  REFUND_PENDING: 'Refunding through the provider',
  REFUND_SENT: 'Refunded through the provider',
  RETURNED_BY_HAND: 'Returned by hand',
};

/** The list's "Money" filter: what became of the money, and three values no row stores. */
export const MONEY_FILTER = {
  /** lateMoneyAction set: what the list shows when the request names no Money filter. */
  ARRIVED: 'MONEY_ARRIVED',
  NONE: 'NO_MONEY',
  ALL: 'ALL',
} as const;

const MONEY_FILTER_WORDS: Record<string, string> = {
  [MONEY_FILTER.ARRIVED]: 'Money arrived (shown unless you choose another)',
  ...LATE_MONEY_WORDS,
  [MONEY_FILTER.NONE]: 'No money arrived',
  [MONEY_FILTER.ALL]: 'Every payment, also those no money reached',
};

/** The where-clause of a Money filter's value (an unknown value matches no row, as an unknown state would). */
export function moneyFilterWhere(value: string): Record<string, unknown> {
  if (value === MONEY_FILTER.ALL) return {};
  if (value === MONEY_FILTER.ARRIVED) return { lateMoneyAction: { not: null } };
  if (value === MONEY_FILTER.NONE) return { lateMoneyAction: null };
  return { lateMoneyAction: value };
}

/**
 * The list's default order, and the Money column's when sorted: what needs the admin first (LATE_MONEY_WORDS),
 * no money last, then the latest change first; the id breaks ties, so pages never overlap.
 */
const LIST_ORDER = (direction: 'asc' | 'desc') => [
  { lateMoneyAction: { sort: direction, nulls: direction === 'asc' ? 'last' : 'first' } },
  { updatedAt: 'desc' },
  { id: 'desc' },
];

/**
 * The Order number filter as typed: "#1042" as the panel writes it, or 1042; what names no order number matches no row
 * (the adapter read it as a number, and "#1042" answered 400 with no rows).
 */
export function orderNumberWhere(value: string): Record<string, unknown> {
  const number = orderNumberTyped(value);
  return number === null ? { id: { in: [] } } : { orderNumber: number };
}

/** The scoped resource's options: the Money and Order number filters and the order above (admin.router.ts makes the resource). */
export function deletedOrderPaymentsResourceOptions(): ScopedResourceOptions {
  return {
    filterWheres: { lateMoneyAction: moneyFilterWhere, orderNumber: orderNumberWhere },
    sortOrders: { lateMoneyAction: LIST_ORDER },
  };
}

/** A list request without a Money filter gets the default one: the payments money reached. */
const moneyArrivedUnlessChosen: Before = async (request) => {
  const { filters } = flat.unflatten(request.query ?? {}) as { filters?: Record<string, unknown> };
  const chosen = filters?.lateMoneyAction;
  if (typeof chosen === 'string' && chosen !== '') return request;
  return { ...request, query: { ...request.query, 'filters.lateMoneyAction': MONEY_FILTER.ARRIVED } };
};

/** What the admin does about it, by where it stands. */
function whatToDo(params: Record<string, unknown>): string {
  const ref = String(params.paymentReference ?? params.providerCheckoutId ?? '');
  switch (params.lateMoneyAction) {
    case 'FLAGGED':
      return params.provider === 'BTCPAY'
        ? `Ask the customer for a Bitcoin address, pay the amount from the store's wallet (BTCPay invoice ${String(params.providerCheckoutId)}), then press "Returned by hand".`
        : `The provider did not refund it: return it to the customer another way (payment ${ref}), then press "Returned by hand".`;
    case 'REFUND_PENDING':
      return 'Nothing: the refund through the provider is under way.';
    case 'REFUND_SENT':
      return 'Nothing: the provider refunded it.';
    case 'RETURNED_BY_HAND':
      return 'Nothing: an admin returned it by hand (see History).';
    default:
      return 'Nothing: no money arrived for it.';
  }
}

export function deletedOrderPaymentsResource(deps: {
  services: Services;
  resource: ScopedPrismaResource;
  components: AdminComponents;
}): ResourceWithOptions {
  const { services, resource, components } = deps;
  const logger = services.logger.child({ surface: 'admin', resource: DELETED_ORDER_PAYMENTS });

  const markReturned = async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    try {
      await markDeletedOrderMoneyReturned(services, tenantContextOf(context), context.record!.id());
      return {
        record: context.record!.toJSON(context.currentAdmin),
        notice: { message: 'Marked as returned by hand: it is in the History and off the dashboard.', type: 'success' },
        redirectUrl: context.h.recordActionUrl({ resourceId: DELETED_ORDER_PAYMENTS, recordId: context.record!.id(), actionName: 'show' }),
      };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  const configured: ResourceWithOptions = {
    resource,
    options: {
      id: DELETED_ORDER_PAYMENTS,
      navigation: { name: 'Sales', icon: 'ShoppingCart' },
      sort: { sortBy: 'lateMoneyAction', direction: 'asc' },
      listProperties: ['orderNumber', 'lateMoneyAction', 'paid', 'provider', 'providerCheckoutId', 'updatedAt'],
      showProperties: [
        'orderNumber',
        'lateMoneyAction',
        'whatToDo',
        'paid',
        'amount',
        'provider',
        'providerCheckoutId',
        'paymentReference',
        'providerStatus',
        'state',
        'orderId',
        'createdAt',
        'deletedAt',
        'updatedAt',
        'auditTimeline',
      ],
      filterProperties: ['lateMoneyAction', 'provider', 'orderNumber', 'providerCheckoutId'],
      properties: {
        orderNumber: { type: 'number', description: 'The number of the deleted order.' },
        // In words as written (AdminJS's own badge would re-case "To return by hand" as "To Return By Hand"):
        // the list's and show page's after-hook sets <path>Label, OrderEnumCell shows it.
        // Its filter also offers the values no row stores (MONEY_FILTER); the cells show the row's own words.
        lateMoneyAction: {
          availableValues: Object.entries(MONEY_FILTER_WORDS).map(([value, label]) => ({ value, label })),
          components: { list: components.OrderEnumCell, show: components.OrderEnumCell },
        },
        state: enumProperty(components, CHECKOUT_STATE_LABELS),
        paid: moneyProperty(components, { type: 'string', isVisible: { list: true, show: true, edit: false, filter: false } }),
        amount: { type: 'string', isVisible: { list: false, show: true, edit: false, filter: false } },
        whatToDo: { type: 'textarea', isVisible: { list: false, show: true, edit: false, filter: false } },
        // The provider by name ("BTCPay Server (Bitcoin invoices)"), as Settings -> Payments calls it, not its code.
        provider: {
          availableValues: Object.entries(PROVIDER_DEFINITIONS).map(([value, d]) => ({ value, label: d.label })),
          components: { list: components.OrderEnumCell, show: components.OrderEnumCell },
        },
        providerCheckoutId: { description: 'BTCPay invoice, PayPal order or Square payment id.' },
        paymentReference: { description: 'What the provider calls the money: PayPal capture, Square payment, BTCPay invoice.' },
        auditTimeline: {
          type: 'string',
          components: { show: components.AuditTimeline },
          isVisible: { list: false, filter: false, edit: false, show: true },
        },
        auditTimelineJson: { isVisible: false },
      },
      actions: {
        ...tenantReadOnly,
        list: {
          ...tenantReadOnly.list,
          before: moneyArrivedUnlessChosen,
          component: components.DeletedOrderPaymentsList,
          custom: { moneyFilter: MONEY_FILTER },
        },
        show: {
          ...tenantReadOnly.show,
          // The deleted order's own History (its delete, the money's arrival, refund, flag and return), with who acted.
          after: async (response: ActionResponse) => {
            const record = response.record as { id?: string; params: Record<string, unknown> } | undefined;
            const tenantId = record ? tenantOfRecord(DELETED_ORDER_PAYMENTS, record) : '';
            if (!record || !tenantId) return response;
            record.params.whatToDo = whatToDo(record.params);
            const { timeline } = await auditTimelineOf(services, tenantId, 'Order', String(record.params.orderId));
            record.params.auditTimelineJson = JSON.stringify(timeline);
            return response;
          },
        },
        returnedByHand: buttonAction({
          actionType: 'record',
          icon: 'CheckCircle',
          guard:
            'Mark this money as returned to the customer by hand? It leaves the dashboard and is recorded in the History with your name.',
          isAccessible: (c) => canManage(c) && c.record?.params.lateMoneyAction === 'FLAGGED',
          handler: markReturned,
        }),
      },
    },
  };
  const inWords: After<ActionResponse> = async (response) => {
    const records = (response.records ?? (response.record ? [response.record] : [])) as { params: Record<string, unknown> }[];
    for (const r of records) {
      const provider = PROVIDER_DEFINITIONS[r.params.provider as ProviderId] as { label: string } | undefined;
      r.params.providerLabel = provider?.label ?? r.params.provider;
      r.params.lateMoneyActionLabel = LATE_MONEY_WORDS[String(r.params.lateMoneyAction ?? '')] ?? 'No money arrived';
    }
    return response;
  };
  const withMoney = addAfter(configured, ['list', 'show'], moneyColumns(services.db, { paidAmountCents: 'paid', amountCents: 'amount' }));
  return addAfter(withMoney, ['list', 'show'], inWords);
}
