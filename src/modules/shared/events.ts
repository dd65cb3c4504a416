// Domain events and job payloads shared by the modules that emit them and the subscribers (Discord
// notifications, entitlements). Payloads carry ids; subscribers re-read state.
import { z } from 'zod';

export const EVENTS = {
  orderCreated: 'order.created',
  orderPaid: 'order.paid',
  orderCancelled: 'order.cancelled',
  orderRefunded: 'order.refunded',
  /** The processor did not return a refund's money (refused, or every retry failed): an admin must act. */
  refundFailed: 'refund.processor_failed',
  /**
   * What became of a refund's processor part was recorded (processor-refund-outcome.query.ts): sent, a claim link sent,
   * refused or failed, or refunded by the shop at the provider after it was refused. The order's admin post says so.
   */
  refundProcessorOutcome: 'refund.processor_outcome',
  /** Money arrived through a provider that could not pay the order (stale checkout, wrong amount): refunded or flagged. */
  paymentUnapplied: 'payment.unapplied',
  /**
   * Money that could not pay the order is being sent back through the provider it came by (PayPal, Square): the
   * customer who paid is told which order, how much, why and how it comes back (late-money-notifications.ts).
   */
  lateMoneyReturning: 'payment.late_money_returning',
  /**
   * Money that could not pay the order was not sent back by the provider (it refused or failed the refund, or it is
   * Bitcoin with no address to send it to) and is FLAGGED for the shop to return by hand: the customer who paid is
   * told, once per payment (late-money-notifications.ts).
   */
  lateMoneyFlagged: 'payment.late_money_flagged',
  /** A provider refused to capture a payment the buyer approved (nothing taken): the admins are told why. */
  paymentCaptureRefused: 'payment.capture_refused',
  /**
   * A well-signed provider webhook reports money (paid, or on its way) on a checkout of ours but names another order
   * than the checkout's: acknowledged as unusable, nothing applied to either order; the admins are told to check it.
   */
  paymentEventOtherOrder: 'payment.event_names_other_order',
  /**
   * A checkout with money on its way (PayPal eCheck clearing) whose order and recorded capture the provider no longer
   * knows: closed FAILED so it no longer blocks the order; the admins are told to check the payment by hand.
   */
  paymentUnknownAtProvider: 'payment.unknown_at_provider',
  /** A refund the shop made at the provider, outside Ledgerline (its PayPal or Square dashboard): recorded, or why not. */
  refundMadeAtProvider: 'refund.made_at_provider',
  /** A refund's claim (BTCPay pull payment) waits on the customer or on the shop's approval, was paid, or was cancelled. */
  refundClaimState: 'refund.claim_state',
  /** A refund went out as a claim (BTCPay pull payment): the customer must open the link to receive it. */
  refundClaimLink: 'refund.claim_link',
  /** An admin sent the customer the order's invoice link (admin panel "Send invoice link"). */
  invoiceLinkSent: 'order.invoice_link_sent',
  /** The parcel was handed to the carrier, or its tracking changed while it travels. */
  orderShipped: 'order.shipped',
  /** The carrier delivered the parcel. */
  orderDelivered: 'order.delivered',
  /** An admin deleted the order for good (order-admin/delete-order.command.ts); what it was is in the delete's audit entry. */
  orderDeleted: 'order.deleted',
  /** An admin changed the lines (and so the total) of an unpaid order. */
  orderItemsChanged: 'order.items_changed',
  /** An admin recorded money received for an order (a part, the rest, or more than the total). */
  paymentReceiptRecorded: 'payment.receipt_recorded',
  /**
   * An admin pressed "Record amount received" on an admin post that shows another amount received than the order has
   * (payments/receipt-form.ts): the post is drawn again, so its button carries the amount received now.
   */
  adminPostOutOfDate: 'order.admin_post_out_of_date',
  /** An admin marked (part of) an order's overpayment as sent back to the customer (payments/return-overpayment.command.ts). */
  overpaymentReturned: 'payment.overpayment_returned',
  /** An admin ticked a by-hand refund's money as sent back to the customer (refunds/manual-return.command.ts). */
  manualReturnDone: 'refund.manual_return_done',
  /**
   * A processor checkout of the order opened, has money on its way (APPROVED/PENDING), or left either state
   * (paid, failed, voided, expired): the order's admin-channel post is edited to say so (checkouts/order-checkout-now.ts).
   */
  checkoutStateChanged: 'payment.checkout_state_changed',
  /** Half of an unpaid order's pay window is left: the customer is reminded (scheduled with run_at, modules/order-expiry). */
  paymentReminder: 'order.payment_reminder',
  /**
   * An admin gave the customer more time to pay (order-expiry's `extend`; not the automatic hold while money is on its
   * way): the customer is told the new deadline.
   */
  payWindowExtended: 'order.payment_window_extended',
  /** A DM did not reach its customer (DMs closed, or refused for good otherwise): kept as a missed notice; the shop's admins are told. */
  dmNotDelivered: 'customer.dm_not_delivered',
  /**
   * The customer's personal data was erased (modules/customers/erase-customer.ts): one per order of theirs whose
   * admin-channel message was posted, so that message is edited to the erased order.
   */
  orderPersonalDataErased: 'order.personal_data_erased',
  /**
   * The customer's personal data was erased: one per direct message the bot sent them (notifications/sent-dms.ts),
   * so that DM is edited to a placeholder that keeps none of it.
   */
  directMessagePersonalDataErased: 'direct_message.personal_data_erased',
} as const;

export const TASKS = {
  roleAdd: 'entitlement.grant',
  roleRemove: 'entitlement.revoke',
} as const;

export const orderCreatedPayload = z.object({ tenantId: z.string(), orderId: z.string() });
export const orderPersonalDataErasedPayload = z.object({ tenantId: z.string(), orderId: z.string() });
export const directMessagePersonalDataErasedPayload = z.object({ tenantId: z.string(), sentDmId: z.string() });
export const orderPaidPayload = z.object({ tenantId: z.string(), orderId: z.string(), paymentId: z.string() });
/** Why an order was cancelled: payment_rejected | admin_cancelled | customer_cancelled | expired (the pay window ended unpaid). */
export const CANCEL_REASONS = ['payment_rejected', 'admin_cancelled', 'customer_cancelled', 'expired'] as const;

export const orderCancelledPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  reason: z.enum(CANCEL_REASONS),
  /** Free text shown to the customer (the rejection reason an admin typed). */
  note: z.string().optional(),
});
export const orderRefundedPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  refundId: z.string(),
  amountCents: z.number().int(),
  /** Products whose units were refunded (inventory and entitlements follow them). Empty for amount-only refunds. */
  productIds: z.array(z.string()),
});
export const refundFailedPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  refundId: z.string(),
  amountCents: z.number().int(),
  currency: z.string(),
  /** The processor's answer or the last error. */
  error: z.string(),
  /** True when the processor refused (4xx); false when every retry failed (it may still be retried by hand). */
  permanent: z.boolean(),
});
export const refundProcessorOutcomePayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  refundId: z.string(),
});
export const paymentUnappliedPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  checkoutId: z.string(),
  amountCents: z.number().int(),
  currency: z.string(),
  /** Why it could not pay the order (voided checkout, order cancelled or already paid, underpaid...). */
  reason: z.string(),
  /** REFUNDING: being refunded through the provider; REFUNDED: the provider took the refund; FLAGGED: an admin must return it. */
  action: z.enum(['REFUNDING', 'REFUNDED', 'FLAGGED']),
  /** The provider's answer when FLAGGED. */
  error: z.string().optional(),
});
/** Why money could not pay its order, for the customer's words: the order's state when the money arrived. */
export const LATE_MONEY_CAUSES = ['cancelled', 'expired', 'paid', 'changed', 'amount', 'deleted'] as const;
export const lateMoneyReturningPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  checkoutId: z.string(),
  /** Who paid: the order's customer; absent for a deleted order (read from what the delete kept). */
  customerId: z.string().optional(),
  orderNumber: z.number().int(),
  method: z.string(),
  amountCents: z.number().int(),
  currency: z.string(),
  cause: z.enum(LATE_MONEY_CAUSES),
});
/** The same facts as lateMoneyReturningPayload: the payment, its order and why it could not pay it. */
export const lateMoneyFlaggedPayload = lateMoneyReturningPayload;
export const paymentCaptureRefusedPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  checkoutId: z.string(),
  provider: z.enum(['PAYPAL', 'SQUARE', 'BTCPAY']),
  amountCents: z.number().int(),
  currency: z.string(),
  /** What the provider refused and why, in words for the admins. */
  reason: z.string(),
});
export const paymentEventOtherOrderPayload = z.object({
  tenantId: z.string(),
  /** The order of the checkout that holds the payment (possibly since deleted). */
  orderId: z.string(),
  checkoutId: z.string(),
  provider: z.enum(['PAYPAL', 'SQUARE', 'BTCPAY']),
  /** The provider's id of the payment (PayPal order, Square payment, BTCPay invoice). */
  providerCheckoutId: z.string(),
  /** The order id the event names instead. */
  namedOrderId: z.string(),
  /** What the event says of the money: PAID, PENDING or APPROVED. */
  state: z.string(),
  amountCents: z.number().int().optional(),
  currency: z.string(),
  eventType: z.string(),
});
export const paymentUnknownAtProviderPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  checkoutId: z.string(),
  provider: z.enum(['PAYPAL', 'SQUARE', 'BTCPAY']),
  /** The provider's id of the checkout (PayPal order). */
  providerCheckoutId: z.string(),
  /** The payment the checkout recorded (PayPal capture), if any. */
  paymentReference: z.string().optional(),
  amountCents: z.number().int(),
  currency: z.string(),
});
export const refundMadeAtProviderPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  provider: z.enum(['PAYPAL', 'SQUARE', 'BTCPAY']),
  providerRefundId: z.string(),
  /** What the provider refunded. */
  amountCents: z.number().int(),
  currency: z.string(),
  /** The Refund row it was recorded as; absent when it was not recorded (`why`). */
  refundId: z.string().optional(),
  /** FULL when it covered what was left (stock back, entitlements revoked), else PARTIAL_AMOUNT. */
  mode: z.enum(['FULL', 'PARTIAL_AMOUNT']).optional(),
  /** `refundId` is a refund of ours the processor had refused: this returned its money (no new refund). */
  returnsRefused: z.boolean().optional(),
  /** Refunded at the provider beyond what the order still had to refund. */
  excessCents: z.number().int().optional(),
  why: z.string().optional(),
});
export const refundClaimStatePayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  /** Our refund id; the checkout id when it returns money that could not pay the order. */
  refundId: z.string(),
  amountCents: z.number().int(),
  currency: z.string(),
  pullPaymentId: z.string(),
  /** The claim (BTCPay payout); absent while Unclaimed. */
  payoutId: z.string().optional(),
  /** Unclaimed: the customer has not claimed it yet; else BTCPay's PayoutState of the claim. */
  state: z.enum(['Unclaimed', 'AwaitingApproval', 'AwaitingPayment', 'InProgress', 'Completed', 'Cancelled']),
  /** Unclaimed: the claim will wait for the shop's approval in BTCPay once made. */
  awaitsApproval: z.boolean().optional(),
  /** BTCPay's page of the pull payment's payouts (approve, pay). */
  adminUrl: z.string().optional(),
  /** The customer's claim page. */
  claimUrl: z.string().optional(),
});
export const refundClaimLinkPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  /** Our refund id; the checkout id when it returns money that could not pay the order. */
  refundId: z.string(),
  amountCents: z.number().int(),
  currency: z.string(),
  claimUrl: z.url(),
  /**
   * Who the link goes to and the order's number, for a DM that runs after the order was deleted: the claim still
   * pays the customer. Absent in jobs queued before they were carried (those need the order).
   */
  customerId: z.string().optional(),
  orderNumber: z.number().int().optional(),
  /** Set when it returns money that could not pay the order (late-money-notice.ts): why, for the DM to say. */
  lateMoneyCause: z.enum(LATE_MONEY_CAUSES).optional(),
});
export const invoiceLinkSentPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  url: z.url(),
  /** One id per deliberate send: a second "Send invoice link" is a second DM; a re-run job is not. */
  sendId: z.string().optional(),
});
export const orderShippedPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  trackingNumber: z.string().nullable(),
  /** A carrier code of modules/shipping/carriers.ts, or null. */
  carrier: z.string().nullable(),
  /**
   * True when the parcel was already on its way (SHIPPED) and only its tracking number or carrier changed; false
   * when it was just handed to the carrier. Absent in jobs queued before it was carried.
   */
  trackingUpdate: z.boolean().optional(),
  /** The audit entry of the update that shipped it (one per change: what tells two shipments apart). Absent in older jobs. */
  changeId: z.string().optional(),
});
export const orderDeliveredPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  /** The audit entry of the update that marked it delivered. Absent in jobs queued before it was carried. */
  changeId: z.string().optional(),
});
/** Emitted in the delete's transaction; the order row is gone when a subscriber runs (its snapshot is in the audit entry). */
export const orderDeletedPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  /** When it was deleted (ISO). */
  deletedAt: z.iso.datetime(),
});
export const orderItemsChangedPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  /** The audit entry of the edit: one notice per edit. */
  changeId: z.string(),
  totalBeforeCents: z.number().int(),
  totalAfterCents: z.number().int(),
});
export const paymentReceiptRecordedPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  receiptId: z.string(),
  /** partial: still owed; paid: it completed the payment (order.paid follows); extra: on an already paid order. */
  outcome: z.enum(['partial', 'paid', 'extra']),
});
export const adminPostOutOfDatePayload = z.object({ tenantId: z.string(), orderId: z.string() });
export const overpaymentReturnedPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  /** The audit entry that recorded it: one job per return. */
  changeId: z.string(),
});
export const manualReturnDonePayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  /** The refund ticked done: one job per tick. */
  refundId: z.string(),
});
export const checkoutStateChangedPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  checkoutId: z.string(),
  /** The checkout's new state (a CheckoutState); subscribers read the order's checkouts again. */
  state: z.string(),
});
export const paymentReminderPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  /** The deadline this reminder is about (ISO): a reminder for a deadline since moved is not sent. */
  dueAt: z.iso.datetime(),
});
export const payWindowExtendedPayload = z.object({
  tenantId: z.string(),
  orderId: z.string(),
  /** The new deadline (ISO): a notice for a deadline since moved again is not sent (the later one is). */
  dueAt: z.iso.datetime(),
});
export const dmNotDeliveredPayload = z.object({
  tenantId: z.string(),
  customerId: z.string(),
  /** The order the DM was about; null when it was deleted before the DM ran (timed access). */
  orderId: z.string().nullable(),
  /** What the DM was (order-paid, order-shipped...), as on the missed notice. */
  kind: z.string(),
  /** The missed notice: one event, and one note to the admins, per missed message. */
  noticeId: z.string(),
  /**
   * What Discord answered when it refused the DM (notifications/missed-notices.ts DmRefusal): its HTTP status and JSON
   * error code. Both null: no call made, the customer's DMs known closed. Absent in events emitted before they were
   * carried (all of them DMs closed, 50007).
   */
  refusedStatus: z.number().int().nullish(),
  refusedCode: z.number().int().nullish(),
});
export const rolePayload = z.object({ tenantId: z.string(), entitlementId: z.string() });

export type OrderCreatedPayload = z.infer<typeof orderCreatedPayload>;
export type DmNotDeliveredPayload = z.infer<typeof dmNotDeliveredPayload>;
export type OrderPaidPayload = z.infer<typeof orderPaidPayload>;
export type OrderCancelledPayload = z.infer<typeof orderCancelledPayload>;
export type OrderRefundedPayload = z.infer<typeof orderRefundedPayload>;
export type RefundFailedPayload = z.infer<typeof refundFailedPayload>;
export type PaymentUnappliedPayload = z.infer<typeof paymentUnappliedPayload>;
export type LateMoneyReturningPayload = z.infer<typeof lateMoneyReturningPayload>;
export type LateMoneyFlaggedPayload = z.infer<typeof lateMoneyFlaggedPayload>;
export type PaymentCaptureRefusedPayload = z.infer<typeof paymentCaptureRefusedPayload>;
export type PaymentEventOtherOrderPayload = z.infer<typeof paymentEventOtherOrderPayload>;
export type PaymentUnknownAtProviderPayload = z.infer<typeof paymentUnknownAtProviderPayload>;
export type RefundClaimLinkPayload = z.infer<typeof refundClaimLinkPayload>;
export type RefundMadeAtProviderPayload = z.infer<typeof refundMadeAtProviderPayload>;
export type RefundClaimStatePayload = z.infer<typeof refundClaimStatePayload>;
export type PaymentReminderPayload = z.infer<typeof paymentReminderPayload>;
export type PayWindowExtendedPayload = z.infer<typeof payWindowExtendedPayload>;
export type RolePayload = z.infer<typeof rolePayload>;
export type OrderShippedPayload = z.infer<typeof orderShippedPayload>;
export type OrderDeliveredPayload = z.infer<typeof orderDeliveredPayload>;
export type OrderDeletedPayload = z.infer<typeof orderDeletedPayload>;
export type OrderItemsChangedPayload = z.infer<typeof orderItemsChangedPayload>;
export type PaymentReceiptRecordedPayload = z.infer<typeof paymentReceiptRecordedPayload>;
export type AdminPostOutOfDatePayload = z.infer<typeof adminPostOutOfDatePayload>;
export type OverpaymentReturnedPayload = z.infer<typeof overpaymentReturnedPayload>;
export type ManualReturnDonePayload = z.infer<typeof manualReturnDonePayload>;
export type RefundProcessorOutcomePayload = z.infer<typeof refundProcessorOutcomePayload>;
export type CheckoutStateChangedPayload = z.infer<typeof checkoutStateChangedPayload>;
