// Every REST operation with the zod schemas its handler validates with (imported from the route files, so
// the document describes exactly what is checked) and the schemas of its answers (api.schemas.ts, or beside
// the route when only that route answers with it: OrderList, PaymentWindow). The
// test test/http/api/openapi.test.ts fails when a mounted route is missing here.
import { z } from 'zod';
import { invoiceLinkBody } from '../invoice-links.routes.js';
import { listOrdersQuery, listOrdersResponse, updateOrderBody } from '../orders.routes.js';
import { paymentWindowBody, paymentWindowResponse } from '../payment-window.routes.js';
import { exportQuery } from '../exports.routes.js';
import { eraseCustomerBody, eraseCustomerResponse } from '../customers.routes.js';
import { confirmBody, receiptBody, rejectBody } from '../payments.routes.js';
import { refundBody } from '../refunds.routes.js';
import { listProductsQuery } from '../products.routes.js';
import { changeShopCurrencyBody, shopCurrencyChangedResponse, shopCurrencyResponse } from '../shop-currency.routes.js';
import { invoiceLink, orderDetail, paymentDecision, productList, receiptRecorded, refundCreated, refundPlan } from './api.schemas.js';

export interface ApiOperation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Relative to the API's base (/api/v1), in OpenAPI form: /orders/{id}. */
  path: string;
  operationId: string;
  tag: 'Orders' | 'Payments' | 'Refunds' | 'Invoice links' | 'Products' | 'Exports' | 'Customers' | 'Shop';
  summary: string;
  description?: string;
  /**
   * The query parameters it takes (a z.strictObject): every other parameter, and each one repeated, is refused
   * with a 400 naming it (declared-query.ts). None when absent.
   */
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Accepts an Idempotency-Key header (every state-changing call does). */
  idempotent?: boolean;
  /** The success answer; `also`: another status the same body comes with (e.g. 200 when nothing new was done). */
  success: { status: number; description: string; schema: z.ZodType; contentType?: string; also?: { status: number; description: string } };
  /** The error answers this operation can give besides 400/401/429 (every operation has those). */
  errors?: number[];
}

export const API_OPERATIONS: ApiOperation[] = [
  {
    method: 'post',
    path: '/customers/{id}/erase',
    operationId: 'eraseCustomer',
    tag: 'Customers',
    summary: "Erase a customer's personal data",
    description:
      'A deletion request (GDPR, CCPA). In one transaction: the customer\'s Discord username and name become "Erased customer #…", ' +
      'their saved addresses and open order session are deleted, and the street, city, recipient name and notes of their orders are blanked. ' +
      "Orders, amounts, payments and refunds stay, with each order's country, state and ZIP (sales tax needs them). " +
      "Shortly after, the bot's order messages in the shop's admin channel and its direct messages to the customer are edited in Discord " +
      "to keep none of it (a DM then says only the shop, the order number and 'details removed at your request'). " +
      '409 CONFLICT, with nothing changed, while an order still needs the address (unpaid with goods to ship, paid and not shipped, ' +
      'money still moving at a payment processor); the message names the order.',
    body: eraseCustomerBody,
    idempotent: true,
    success: { status: 200, description: 'What was erased', schema: eraseCustomerResponse },
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/orders/{id}/payment-window',
    operationId: 'extendPaymentWindow',
    tag: 'Orders',
    summary: 'Extend the pay window',
    description: "Moves an unpaid order's expiry later, by minutes or to a date-time; the reminder and the expiry move with it.",
    body: paymentWindowBody,
    idempotent: true,
    success: {
      status: 200,
      description: 'The new deadline',
      schema: paymentWindowResponse,
    },
    errors: [404, 409, 422],
  },
  {
    method: 'get',
    path: '/exports/{kind}',
    operationId: 'exportCsv',
    tag: 'Exports',
    summary: 'Export as CSV',
    description: "orders, payments, refunds or tax for a date range (YYYY-MM-DD, in the shop's time zone; to inclusive), streamed as CSV.",
    query: exportQuery,
    success: { status: 200, description: 'The CSV file', schema: z.string(), contentType: 'text/csv' },
    errors: [404],
  },
  {
    method: 'get',
    path: '/orders',
    operationId: 'listOrders',
    tag: 'Orders',
    summary: 'List orders',
    description:
      "The shop's orders, newest first, filtered by status, customer and creation date (a bare date in from or to is the shop's day, in its time zone, as in the exports).",
    query: listOrdersQuery,
    success: { status: 200, description: 'A page of orders', schema: listOrdersResponse },
  },
  {
    method: 'get',
    path: '/orders/{id}',
    operationId: 'getOrder',
    tag: 'Orders',
    summary: 'Get an order',
    description: 'One order with its customer, lines, payments and refunds.',
    success: { status: 200, description: 'The order', schema: orderDetail },
    errors: [404],
  },
  {
    method: 'patch',
    path: '/orders/{id}',
    operationId: 'updateOrder',
    tag: 'Orders',
    summary: 'Update an order',
    description:
      "Moves the order's status or shipping status (allowed transitions only), sets the tracking number or the notes. " +
      'Status CANCELLED of a PAID order refunds it in full and needs confirmRefundCents, the amount of that refund ' +
      '(409 REFUND_CONFIRMATION_REQUIRED without it, with what the cancel would do in error.details; nothing is changed).',
    body: updateOrderBody,
    idempotent: true,
    success: { status: 200, description: 'The updated order', schema: orderDetail },
    errors: [404, 409, 422],
  },
  {
    method: 'post',
    path: '/orders/{id}/payment/confirm',
    operationId: 'confirmPayment',
    tag: 'Payments',
    summary: 'Confirm the payment',
    description: 'Marks the order paid (as the approve button in Discord does). Repeating it answers changed=false.',
    body: confirmBody,
    idempotent: true,
    success: { status: 200, description: 'The payment and order after the decision', schema: paymentDecision },
    errors: [404, 409, 422],
  },
  {
    method: 'post',
    path: '/orders/{id}/payment/receipts',
    operationId: 'recordReceipt',
    tag: 'Payments',
    summary: 'Record money received',
    description:
      'Records a payment received by hand (all or part of what is owed; amountCents omitted records what is still owed). When the receipts cover the total the order becomes PAID. 201 when a receipt was recorded, 200 when nothing new was (the order was already paid and no amount was given, or a replayed Idempotency-Key).',
    body: receiptBody,
    idempotent: true,
    success: {
      status: 201,
      description: "The receipt recorded, and the order's balance",
      schema: receiptRecorded,
      also: {
        status: 200,
        description: "Nothing new was recorded (the order was already paid, or a replayed Idempotency-Key): the order's balance",
      },
    },
    errors: [404, 409, 422],
  },
  {
    method: 'post',
    path: '/orders/{id}/payment/reject',
    operationId: 'rejectPayment',
    tag: 'Payments',
    summary: 'Reject the payment',
    description: 'Rejects the latest payment with a reason shown to the customer, and cancels the order.',
    body: rejectBody,
    idempotent: true,
    success: { status: 200, description: 'The payment and order after the decision', schema: paymentDecision },
    errors: [404, 409, 422],
  },
  {
    method: 'post',
    path: '/orders/{id}/refunds/preview',
    operationId: 'previewRefund',
    tag: 'Refunds',
    summary: 'Preview a refund',
    description: 'What a refund with this body would do, without doing it. Neither amountCents nor items: a full refund.',
    body: refundBody,
    idempotent: true,
    success: { status: 200, description: 'The refund plan', schema: refundPlan },
    errors: [404, 409, 422],
  },
  {
    method: 'post',
    path: '/orders/{id}/refunds',
    operationId: 'createRefund',
    tag: 'Refunds',
    summary: 'Refund an order',
    description:
      'Refunds all of the order, an amount, some lines, or lines plus an amount. Send an Idempotency-Key: a retried request then refunds once. ' +
      "Send expectedRefundedCents, the order's refundedTotalCents as you read it: a refund recorded on the order since (another admin's, another caller's, or one made in the provider's dashboard) then refuses this one with 409 CONFLICT, saying what was refunded meanwhile, by whom and when, and nothing is refunded; without it the refund is not checked against what you saw (two callers refunding an amount at once both refund it).",
    body: refundBody,
    idempotent: true,
    success: { status: 201, description: 'The refund', schema: refundCreated },
    errors: [404, 409, 422],
  },
  {
    method: 'post',
    path: '/orders/{id}/invoice-link',
    operationId: 'createInvoiceLink',
    tag: 'Invoice links',
    summary: 'Create an invoice link',
    description: "A signed link to the order's invoice page, where the customer can pay through the shop's processors.",
    body: invoiceLinkBody,
    idempotent: true,
    success: { status: 201, description: 'The link', schema: invoiceLink },
    errors: [404, 409, 422, 503],
  },
  {
    method: 'get',
    path: '/products',
    operationId: 'listProducts',
    tag: 'Products',
    summary: 'List products',
    description:
      "The shop's active products, in menu order, a page at a time: pass nextCursor as cursor (with the same filters) for the next page.",
    query: listProductsQuery,
    success: { status: 200, description: 'The products', schema: productList },
  },
  {
    method: 'get',
    path: '/shop/currency',
    operationId: 'getShopCurrency',
    tag: 'Shop',
    summary: "What is priced in the shop's currency",
    description:
      "The shop's currency and every amount held in it, which a change of currency re-prices (the list the admin panel's Change currency shows): " +
      "each active product's price, each priced shipping type's, each discount's fixed amount off and minimum subtotal, with its kind, id, field " +
      'and amount in minor units. Send each entry back to POST /shop/currency with its new amount.',
    success: { status: 200, description: "The shop's currency and its priced amounts", schema: shopCurrencyResponse },
  },
  {
    method: 'post',
    path: '/shop/currency',
    operationId: 'changeShopCurrency',
    tag: 'Shop',
    summary: "Change the shop's currency",
    description:
      'Changes the currency and gives every amount GET /shop/currency listed its new value, in one transaction, or nothing. Amounts are never converted: ' +
      "send every entry as read (kind, id, field, amountCents) with newAmountCents in the new currency's minor units (cents for EUR, whole yen for JPY), " +
      "within the field's bounds (as the admin panel's forms). Refused, with nothing changed: 409 CONFLICT when what is priced differs from the entries sent " +
      '(an entry not sent, a product added or a price changed since the list was read, an entry no longer priced: details.changes names each) or the ' +
      'currency is no longer "from"; 409 CURRENCY_MISMATCH while unpaid orders or open checkouts are in the old currency; 409 PAYMENT_METHOD_NOT_ENABLED ' +
      'when an enabled processor-backed payment method cannot take the new currency; 400 VALIDATION_FAILED for the same currency, an unknown one, ' +
      'an amount out of bounds, or TaxJar on for a currency other than USD. Audited with the API key as the actor.',
    body: changeShopCurrencyBody,
    idempotent: true,
    success: { status: 200, description: 'The new currency and the amounts now held in it', schema: shopCurrencyChangedResponse },
    errors: [409, 422],
  },
];
