// Discord notifications as job handlers (one job per side effect, so a failing DM never re-posts the admin
// embed). Each job re-reads the order (payloads carry ids) and makes one Discord call:
//   order.created  > discord-admin-embed : approve/reject embed in the tenant's admin channel (its channel and
//                                          message id are stored on the order)
//   order.paid / order.cancelled > discord-admin-message : edits that message to say paid / cancelled (no
//                                          buttons), whichever surface confirmed or rejected the payment
//   order.personal_data_erased > discord-admin-message : edits that message to the erased order (the
//                                          customer's placeholder, no street, city or recipient name)
//   order.created  > discord-notify      : DM with the payment instructions for the customer's method
//   order.paid     > discord-notify      : receipt DM (tax on its own line), with the licence keys and
//                                          download links the payment delivered: they are taken in the
//                                          payment's transaction, so this job (run after its commit) reads them
//   order.cancelled> discord-notify      : DM saying the order was cancelled and why
//   order.refunded > discord-notify      : DM saying what was refunded
//   order.shipped  > discord-notify      : DM with the tracking number and the carrier's tracking link
//   order.delivered> discord-notify      : DM saying the parcel arrived
//   order.items_changed > discord-notify : DM with the new lines and total after an admin's edit
//   order.items_changed > discord-admin-message : the admin post's lines and total edited to match
//   payment.receipt_recorded > discord-notify : DM saying a part arrived and what is still owed (or that
//                                          more than the total arrived); > discord-admin-message: the
//                                          admin message shows the new received amount
//   order.admin_post_out_of_date > discord-admin-message : "Record amount received" was pressed on a post showing
//                                          another amount received than the order has: the post is drawn again
//   refund.manual_return_done > discord-admin-message : the admin message says the money owed back was returned
//   refund.processor_outcome > discord-admin-message : the admin message says where a refund's processor part
//                                          stands now it was recorded sent or refused (returned only once sent)
//   refund.processor_failed > discord-admin-alert : the processor did not return a refund's money; the
//                                                   admin channel is told to return it another way
//   customer.dm_not_delivered > discord-admin-alert : a DM did not reach its customer; the admin channel is
//                                          told which message did not reach whom
// An order deleted since its event: the cancellation, receipt, refund and shipping notices are still sent, from what
// the order was when deleted (toDeletedOrdersCustomer); every other DM about it ends unsent (docs/decisions/jobs.md).
// Every DM sent is recorded with its delivery, in one statement (its channel and message id from Discord's answer:
// notifications/sent-dms.ts), so erasing the customer's data can edit it (dm-erasure.ts).
// Failure handling: a customer DM Discord refuses for good (a 4xx other than 429: DMs closed 50007, a deleted
// account 10013, missing access 50001...) is not retried and is recorded on the order, the message itself is kept
// as a missed notice with Discord's status and code (shown on the order with why, and to the customer at their next
// interaction with the bot), and the admins are told by the event above, all in one transaction
// (modules/notifications/dm-status.service.ts): the note waits for the admin channel in its lane, not in the DM's job.
// Only 50007 also marks the customer's DMs closed (later DMs skip the call for a while); after any other refusal their
// next DM is tried (docs/decisions/dm-refused.md).
// 429 is waited out by @discordjs/rest (Retry-After) inside a DM's job, while the admin-channel jobs run in
// the shop's lane (admin-channel-lane.ts), which waits for the reset with no worker slot held; 5xx and network
// errors throw, so the job is retried with backoff and never lost; an admin-channel message's 4xx (a deleted
// channel, missing access) is logged and ends the job, since retrying cannot fix them and Discord bans IPs
// that repeat invalid requests.
import { partsOfRefund, refundBreakdown } from '../../../modules/refunds/refund-breakdown.js';
import { refundMoneyBack } from '../../../modules/refunds/refund-money-back.js';
import { Routes } from 'discord-api-types/v10';
import type { z } from 'zod';
import type { REST } from '@discordjs/rest';
import type { Customer, Refund, Tenant } from '../../../generated/prisma/index.js';
import type { EventBus } from '../../../platform/jobs/queue.js';
import { ADMIN_CHANNEL_LANE } from './admin-channel-lane.js';
import type { AdminChannelGuard } from './admin-channel-guard.js';
import type { Logger } from '../../../platform/logger.js';
import { formatMoney } from '../../../platform/money.js';
import type { DmStatusService } from '../../../modules/notifications/dm-status.service.js';
import {
  linesNotRefunded,
  orderAgainSentence,
  overpaidCents,
  owedCents,
  type CancelReason,
  type OrderService,
} from '../../../modules/orders/index.js';
import type { TenantService } from '../../../modules/tenants/tenant.service.js';
import type { CustomerService } from '../../../modules/customers/customer.service.js';
import {
  EVENTS,
  orderCancelledPayload,
  orderCreatedPayload,
  orderPaidPayload,
  orderRefundedPayload,
  refundClaimLinkPayload,
  refundFailedPayload,
  refundMadeAtProviderPayload,
  refundClaimStatePayload,
  type RefundClaimLinkPayload,
  type RefundFailedPayload,
  paymentUnappliedPayload,
  paymentCaptureRefusedPayload,
  paymentEventOtherOrderPayload,
  paymentUnknownAtProviderPayload,
  invoiceLinkSentPayload,
  dmNotDeliveredPayload,
  orderDeliveredPayload,
  orderItemsChangedPayload,
  orderPersonalDataErasedPayload,
  orderShippedPayload,
  paymentReceiptRecordedPayload,
  adminPostOutOfDatePayload,
  overpaymentReturnedPayload,
  manualReturnDonePayload,
  refundProcessorOutcomePayload,
  checkoutStateChangedPayload,
  type OrderItemsChangedPayload,
  type OrderShippedPayload,
  type PaymentUnappliedPayload,
} from '../../../modules/shared/events.js';
import { shippedNoticeKey } from '../../../modules/order-admin/shipping-notices.js';
import { trackingLink } from '../../../modules/shipping/carriers.js';
import { isProcessorMethod } from '../../../modules/payments-processor/connections/provider-definitions.js';
import type { Prisma } from '../../../generated/prisma/index.js';
import { orNullIfNotFound } from '../../../platform/errors.js';
import { discordErrorCode, isRefusedByDiscord } from '../discord-rest.js';
import { createDirectMessages } from '../dm-channels.js';
import { COLORS, embed, type MessageData } from '../../../surfaces/discord/replies.js';
import { captureRefusedAlert } from '../../../surfaces/discord/views/capture-refused.view.js';
import { eventOtherOrderAlert } from '../../../surfaces/discord/views/event-other-order.view.js';
import { paymentUnknownAlert } from '../../../surfaces/discord/views/payment-unknown.view.js';
import { refundMadeAtProviderAlert } from '../../../surfaces/discord/views/provider-refund.view.js';
import { refundClaimStateAlert } from '../../../surfaces/discord/views/refund-claim.view.js';
import { lateMoneyWhy } from '../../../surfaces/discord/views/late-money.view.js';
import { deliveryNonce, dmDeliveryKey, type DeliveryLog } from '../../../modules/notifications/delivery-log.js';
import type { SentDm } from '../../../modules/notifications/sent-dms.js';
import { dmsClosed, refusalText, type DmRefusal } from '../../../modules/notifications/missed-notices.js';
import { adminOrderMessage, receivedAmountText, settledAdminMessage } from '../../../surfaces/discord/views/admin-order.view.js';
import type { ProcessorRefundOutcome } from '../../../modules/payments-processor/processor-refund-outcome.query.js';
import {
  dmHowToPayText,
  formatAddress,
  paymentNoteText,
  totalsText,
  type AddressLike,
} from '../../../surfaces/discord/views/order-steps.view.js';
import { withItemFields } from '../../../surfaces/discord/views/item-fields.view.js';
import { paymentMethodLabel, sentByLabel } from '../../../surfaces/discord/views/payment-methods.view.js';
import { payLinkFor, withPayNow } from '../../../surfaces/discord/views/pay-link.view.js';
import { payByLine } from '../../../surfaces/discord/views/pay-window.view.js';
import { digitalItemFields, type DeliveredDigital } from '../../../surfaces/discord/views/digital-items.view.js';
import type { DigitalGoods } from '../../../modules/entitlements/digital-goods.js';
import type { InvoiceService } from '../../../modules/invoices/invoice.service.js';
import { sha256Hex } from '../../../platform/crypto.js';
import type { DeletedOrderSnapshot } from '../../../modules/order-admin/deleted-order-snapshot.js';
import type { OrderCheckoutNow } from '../../../modules/payments-processor/checkouts/order-checkout-now.js';

export interface NotificationDeps {
  rest: REST;
  logger: Logger;
  tenants: Pick<TenantService, 'get'>;
  orders: Pick<OrderService, 'get' | 'recordAdminMessage'>;
  /** Reads the customer of a DM whose order was deleted since (timed access). */
  customers: Pick<CustomerService, 'get'>;
  dmStatus: DmStatusService;
  /** Signs the "Pay now" link in the order-created DM of processor-backed orders (optional). */
  invoices?: Pick<InvoiceService, 'createLink'>;
  /** What an order delivered (keys, links), carried by its receipt; the receipt has none when absent. */
  digital?: Pick<DigitalGoods, 'forOrder'>;
  /** Messages already delivered (a re-run job does not send them again); none recorded when absent. */
  deliveries?: DeliveryLog;
  /** How long a recorded "DMs closed" makes later DMs skip the call (default 24 h). */
  dmClosedBackoffMs?: number;
  /** Whether a shop may post to its admin channel (admin-channel-guard.ts); every channel may when absent. */
  adminChannel?: AdminChannelGuard;
  /**
   * What an order was when deleted (order-admin/deleted-order-snapshot.ts): the cancellation, receipt, refund and
   * shipping notices still told after a delete.
   */
  deletedOrder?: (tenantId: string, orderId: string) => Promise<DeletedOrderSnapshot | null>;
  /**
   * The order's live processor checkout (payments-processor/checkouts/order-checkout-now.ts): the unpaid order's
   * admin post says the customer is paying online, and offers no Approve while the money is on its way. None read
   * when absent (the post by payment method alone).
   */
  checkoutNow?: (tenantId: string, orderId: string) => Promise<OrderCheckoutNow | null>;
  /**
   * Why the order was cancelled, as its cancel recorded it (orders/cancel-reason.query.ts): a refresh of a cancelled
   * order's post for a later cause (an erasure, a refund, a return ticked sent) keeps the cancel's words. None read when
   * absent (the post says "Cancelled").
   */
  cancelReason?: (tenantId: string, orderId: string) => Promise<CancelReason | null>;
  /**
   * Where each refund's processor part stands (payments-processor/processor-refund-outcome.query.ts): the post counts
   * it as returned only once sent. None read when absent (every processor part counted as returned, as before).
   */
  refundOutcomes?: (tenantId: string, orderId: string) => Promise<ReadonlyMap<string, ProcessorRefundOutcome>>;
}

type OrderDetail = Awaited<ReturnType<OrderService['get']>>;
/** What a DM that still goes out after a delete reads: the order now, or what it was when deleted (no address then). */
type OrderOrDeleted = OrderDetail | DeletedOrderSnapshot;

/**
 * The customer-DM machinery, for notification jobs registered in other files (payment reminders, digital
 * goods, timed access):
 * `load` reads the tenant and the order, `dm` sends once per (kind, about) with the closed-DMs handling above.
 */
export interface CustomerDms {
  /**
   * The tenant and the order, or null when the order was deleted since the event (logged as `notification`): the
   * job ends without a message, as a retry would find no order either.
   */
  load(tenantId: string, orderId: string, notification: string): Promise<{ tenant: Tenant; order: OrderDetail } | null>;
  dm(tenant: Tenant, order: OrderDetail, message: MessageData, what: DmKind, about?: string): Promise<void>;
  /** For a DM whose order may be gone by the time it runs (timed access): the customer is read by id then. */
  dmCustomer(
    tenantId: string,
    about: { customerId: string; orderId: string },
    message: MessageData,
    what: DmKind,
    key: string,
  ): Promise<void>;
}

/** Who a DM goes to and the order it is about (orderNumber null: the order was deleted since). */
interface DmRecipient {
  tenant: Tenant;
  customer: Pick<Customer, 'id' | 'discordUserId' | 'dmClosedAt'>;
  orderId: string;
  orderNumber: number | null;
}

export function registerDiscordNotifications(bus: EventBus, deps: NotificationDeps): CustomerDms {
  const backoffMs = deps.dmClosedBackoffMs ?? 24 * 3600_000;
  const directMessages = createDirectMessages(deps.rest);
  /** The order, or null when it is gone (deleted since the event): for the admin-channel jobs, which still speak then. */
  const orderOrNull = (tenantId: string, orderId: string): Promise<OrderDetail | null> =>
    orNullIfNotFound(deps.orders.get(tenantId, orderId));
  /**
   * The shop, or null when it was removed since the event (a platform admin deleted it, and its orders and
   * customers with it), logged as `notification`: a customer's job queued before then ends without a message, as
   * a retry would find no shop either. (Its admin-channel jobs need no such read: their lane rows go with the shop.)
   */
  const shopOrNull = async (tenantId: string, notification: string): Promise<Tenant | null> => {
    const tenant = await orNullIfNotFound(deps.tenants.get(tenantId));
    if (!tenant) deps.logger.info({ tenantId, notification }, 'the shop was removed since the event; nothing sent');
    return tenant;
  };
  const load: CustomerDms['load'] = async (tenantId, orderId, notification) => {
    // Two independent reads: in parallel (one round trip of latency per job instead of two).
    const [tenant, order] = await Promise.all([shopOrNull(tenantId, notification), orderOrNull(tenantId, orderId)]);
    if (!tenant) return null;
    if (order) return { tenant, order };
    // Deleted since the event (an admin cancels, then deletes): what the message would say is gone with it, and
    // the customer is not told about an order the shop removed (the kinds that still matter then do not read the order
    // through here: toDeletedOrdersCustomer). Ending here, not throwing: a retry finds no order either, and would keep
    // the queue busy until it gave up.
    deps.logger.info({ tenantId, orderId, notification }, 'the order was deleted since the event; nothing sent about it');
    return null;
  };
  /**
   * `load` for a DM that asks the customer to pay (the order received, the invoice link): null, logged, once the order no
   * longer waits for payment when its job runs. Paid or cancelled (by the customer, the shop, the pay window) since it
   * was queued, the receipt or the cancellation tells the customer, and "please pay" would contradict it (an invoice
   * link's page would refuse the order too: invoice.service createLink).
   */
  const loadWhileUnpaid: CustomerDms['load'] = async (tenantId, orderId, notification) => {
    const loaded = await load(tenantId, orderId, notification);
    if (!loaded || loaded.order.status === 'PENDING_PAYMENT') return loaded;
    deps.logger.info(
      { tenantId, orderId, notification, status: loaded.order.status },
      'the order no longer waits for payment; nothing sent',
    );
    return null;
  };

  /**
   * Sends at most once per `key` where we can tell (delivery-log.ts): skipped (undefined) when recorded as
   * delivered, sent with a nonce Discord de-duplicates on, recorded once Discord accepted it.
   */
  async function once<T>(
    key: string,
    log: Logger,
    send: (nonce: { nonce: string; enforce_nonce: true }) => Promise<T>,
    /** A direct message's record (sent-dms.ts), from Discord's answer: written with the delivery, in one statement. */
    sentDm?: (sent: T) => SentDm | undefined,
  ): Promise<T | undefined> {
    if (await deps.deliveries?.wasDelivered(key)) {
      log.info({ delivery: key }, 'already delivered; not sending again');
      return undefined;
    }
    const result = await send({ nonce: deliveryNonce(key), enforce_nonce: true });
    await deps.deliveries?.recordDelivered(key, sentDm?.(result));
    return result;
  }

  /**
   * One message in the tenant's admin channel, mentioning nobody; failures follow the rules above. Its id, or null
   * (also when the channel is not one of the shop's own servers': admin-channel-guard.ts, nothing posted).
   */
  async function postToAdmins(tenantId: string, channelId: string, message: MessageData, log: Logger, key: string): Promise<string | null> {
    if (deps.adminChannel && !(await deps.adminChannel.allows(tenantId, channelId, log))) return null;
    try {
      const posted = (await once(key, log, (nonce) =>
        deps.rest.post(Routes.channelMessages(channelId), { body: { ...message, allowed_mentions: { parse: [] }, ...nonce } }),
      )) as { id?: unknown } | undefined;
      return typeof posted?.id === 'string' ? posted.id : null;
    } catch (err) {
      endOnClientError(err, log);
      return null;
    }
  }

  /**
   * The admin-channel message for the order as it is now: approve/reject while unpaid (or what its live checkout
   * is doing), the outcome after.
   */
  async function adminMessageFor(
    order: OrderDetail,
    why?: { reason: keyof typeof CANCEL_TEXT; note?: string },
  ): Promise<MessageData | null> {
    const payment =
      [...order.payments].reverse().find((p) => p.status === 'awaiting_admin_approval' || p.status === 'pending') ?? order.payments.at(-1);
    if (!payment) return null;
    const input = {
      order,
      customer: order.customer,
      paymentId: payment.id,
      paymentMethod: payment.method,
      refundOutcomes: (await deps.refundOutcomes?.(order.tenantId, order.id)) ?? new Map<string, ProcessorRefundOutcome>(),
    };
    if (order.status === 'PENDING_PAYMENT')
      return adminOrderMessage({ ...input, checkout: (await deps.checkoutNow?.(order.tenantId, order.id)) ?? null });
    const paid = order.payments.find((p) => p.confirmedAt);
    if (order.status === 'CANCELLED' && !paid) {
      const rejected = order.payments.find((p) => p.status === 'rejected');
      const outcome =
        rejected || why?.reason === 'payment_rejected'
          ? `Payment rejected${(rejected?.rejectedReason ?? why?.note) ? `: ${rejected?.rejectedReason ?? why?.note}` : ''}`
          : why?.reason === 'expired'
            ? 'Expired: not paid in time'
            : why?.reason === 'customer_cancelled'
              ? 'Cancelled by the customer'
              : // Who cancelled is the event's, or its audit entry's (the order keeps no reason): none known, no guess.
                why
                ? `Cancelled by the shop${why.note ? `: ${why.note}` : ''}`
                : 'Cancelled';
      return settledAdminMessage({ ...input, outcome, paid: false });
    }
    const by = paid ? confirmedBy(paid) : '';
    const m = money(order);
    const refunded =
      order.status === 'CANCELLED'
        ? 'then cancelled and refunded'
        : order.status === 'REFUNDED'
          ? `refunded in full (${m(order.refundedTotalCents)})`
          : order.refundedTotalCents > 0
            ? `refunded ${m(order.refundedTotalCents)} of ${m(order.totalCents)}`
            : undefined;
    const outcome = [by ? `Paid, confirmed ${by}` : 'Paid', refunded].filter(Boolean).join(', ');
    return settledAdminMessage({ ...input, outcome, paid: order.status !== 'CANCELLED' });
  }

  /**
   * Edits the order's admin-channel message to its current state (nothing when it was never posted). `whileUnpaid`:
   * only while the order waits for its money, for the events that change nothing else the post shows (a checkout's
   * state, the lines): a cancelled order's post says why only when its cancel event tells it (`why`), so a refresh
   * after the cancel would lose "Expired: not paid in time" or the shop's note.
   */
  async function refreshAdminMessage(
    tenantId: string,
    orderId: string,
    why?: { reason: keyof typeof CANCEL_TEXT; note?: string },
    opts: { whileUnpaid?: boolean } = {},
  ): Promise<void> {
    const log = deps.logger.child({ tenantId, orderId, notification: 'admin-message' });
    const order = await orderOrNull(tenantId, orderId);
    // Not posted yet: the post job, when it runs, posts the order as it is then.
    if (!order?.adminMessageId || !order.adminMessageChannelId) return;
    if (opts.whileUnpaid && order.status !== 'PENDING_PAYMENT') return;
    // A cancelled order's post refreshed for a later cause (an erasure, a refund, a return ticked sent): the cancel's own
    // words, read back from what it recorded, not a bare "Cancelled".
    const cancel = why ?? (order.status === 'CANCELLED' ? ((await deps.cancelReason?.(tenantId, orderId)) ?? undefined) : undefined);
    const message = await adminMessageFor(order, cancel);
    if (!message) return;
    try {
      await deps.rest.patch(Routes.channelMessage(order.adminMessageChannelId, order.adminMessageId), {
        body: { ...message, allowed_mentions: { parse: [] } },
      });
    } catch (err) {
      endOnClientError(err, log);
    }
  }

  /**
   * One DM to a customer, sent once per (what, about); a refusal for good (any 4xx but 429: isRefusedByDiscord), or
   * DMs known closed, is recorded on the order (and, for closed DMs only, the customer), kept as a missed notice with
   * Discord's status and code and told to the admins (one transaction: recordNotDelivered), and ends the job; other
   * errors follow the rules above.
   */
  async function send(to: DmRecipient, message: MessageData, what: DmKind, about: string): Promise<void> {
    const { tenant, customer, orderId } = to;
    const tenantId = tenant.id;
    const log = deps.logger.child({ tenantId, orderId, notification: what });
    const key = dmDeliveryKey(what, about);
    const notDelivered = (refusal: DmRefusal) =>
      deps.dmStatus.recordNotDelivered({
        tenantId,
        customerId: customer.id,
        orderId: to.orderNumber === null ? null : orderId,
        kind: what,
        deliveryKey: key,
        message: JSON.parse(JSON.stringify(message)) as Prisma.InputJsonValue,
        ...refusal,
      });
    if (customer.dmClosedAt && Date.now() - customer.dmClosedAt.getTime() < backoffMs) {
      if (await deps.deliveries?.wasDelivered(key)) return;
      await notDelivered({ refusedStatus: null, refusedCode: null });
      log.info('customer DMs were recently closed; not trying again, recorded on the order');
      return;
    }
    try {
      await once(
        key,
        log,
        (nonce) => directMessages.send(customer.discordUserId, { ...message, allowed_mentions: { parse: [] }, ...nonce }),
        (sent) => {
          const ids = sentMessageIds(sent);
          if (!ids) log.warn('Discord answered the DM without its ids; it cannot be edited on an erasure');
          return (
            ids && {
              tenantId,
              customerId: customer.id,
              orderId: to.orderNumber === null ? null : orderId,
              kind: what,
              ...ids,
            }
          );
        },
      );
      if (customer.dmClosedAt) await deps.dmStatus.recordDmDelivered(tenantId, customer.id);
    } catch (err) {
      // 429, 5xx and network errors: thrown, so the job is retried (the rules above).
      if (!isRefusedByDiscord(err)) throw err;
      const refusal = { refusedStatus: err.status, refusedCode: discordErrorCode(err) ?? null };
      await notDelivered(refusal);
      if (dmsClosed(refusal)) log.info('customer does not accept DMs (50007); recorded on the order, not retried');
      else
        log.warn(
          { status: err.status, code: err.code, message: err.message },
          'Discord refused the DM; kept as a missed notice, recorded on the order, not retried',
        );
    }
  }

  /** One DM to the order's customer about the order (see send). */
  const dm = (tenant: Tenant, order: OrderDetail, message: MessageData, what: DmKind, about = order.id): Promise<void> =>
    send({ tenant, customer: order.customer, orderId: order.id, orderNumber: order.number }, message, what, about);

  /**
   * One DM to a customer about one of their orders (see send), the shop and the order already read (`order` null:
   * deleted since): the customer is the order's, or read by id.
   */
  async function toCustomer(
    tenant: Tenant,
    order: OrderDetail | null,
    about: { customerId: string; orderId: string },
    message: MessageData,
    what: DmKind,
    key: string,
  ): Promise<void> {
    const customer = order?.customer ?? (await orNullIfNotFound(deps.customers.get(tenant.id, about.customerId)));
    if (!customer) {
      // Their row is gone since (their shop removed with its data; an erasure keeps the row): nobody left to reach,
      // and a retry would find nobody either.
      deps.logger.info({ tenantId: tenant.id, orderId: about.orderId, notification: what }, 'the customer was deleted since; nothing sent');
      return;
    }
    await send({ tenant, customer, orderId: about.orderId, orderNumber: order?.number ?? null }, message, what, key);
  }

  /** One DM to a customer about one of their orders, which may be gone since (see send). */
  async function dmCustomer(
    tenantId: string,
    about: { customerId: string; orderId: string },
    message: MessageData,
    what: DmKind,
    key: string,
  ): Promise<void> {
    const [tenant, order] = await Promise.all([shopOrNull(tenantId, what), orderOrNull(tenantId, about.orderId)]);
    if (tenant) await toCustomer(tenant, order, about, message, what, key);
  }

  /**
   * A DM whose order was deleted since its event, for the kinds that still matter to the customer then (the
   * cancellation, the receipt, the refund, the shipping notice: docs/decisions/jobs.md): built from what the order was
   * when deleted (the delete's audit snapshot, without the address or notes) and sent to its customer by id under the
   * key it had while the order was there (one DM, whichever side of the delete it ran). An order deleted without a
   * snapshot (by hand) ends the job unsent, logged; so does a customer gone since (toCustomer).
   */
  async function toDeletedOrdersCustomer(
    tenant: Tenant,
    orderId: string,
    what: DmKind,
    key: string,
    message: (was: DeletedOrderSnapshot) => MessageData,
  ): Promise<void> {
    const was = await deps.deletedOrder?.(tenant.id, orderId);
    if (!was) {
      deps.logger.info(
        { tenantId: tenant.id, orderId, notification: what },
        'the order was deleted since the event; nothing sent about it',
      );
      return;
    }
    await toCustomer(tenant, null, { customerId: was.customerId, orderId }, message(was), what, key);
  }

  bus.subscribe(EVENTS.orderCreated, 'discord-admin-embed', {
    lane: ADMIN_CHANNEL_LANE,
    schema: orderCreatedPayload,
    async run({ tenantId, orderId }) {
      const loaded = await load(tenantId, orderId, 'admin-embed');
      if (!loaded) return;
      const { tenant, order } = loaded;
      const log = deps.logger.child({ tenantId, orderId, notification: 'admin-embed' });
      if (!tenant.adminChannelId) {
        log.warn('tenant has no admin channel; the order waits in the admin panel');
        return;
      }
      if (order.adminMessageId) return; // posted by an earlier run of this job
      const message = await adminMessageFor(order);
      if (!message) {
        log.warn('order has no payment to approve');
        return;
      }
      const messageId = await postToAdmins(tenantId, tenant.adminChannelId, message, log, `admin:order-created:${orderId}`);
      if (messageId) await deps.orders.recordAdminMessage(tenantId, orderId, { channelId: tenant.adminChannelId, messageId });
    },
  });

  bus.subscribe(EVENTS.orderPaid, 'discord-admin-message', {
    lane: ADMIN_CHANNEL_LANE,
    schema: orderPaidPayload,
    run: ({ tenantId, orderId }) => refreshAdminMessage(tenantId, orderId),
  });

  // Every refund (from Discord, the panel, REST or a processor) shows on the admin-channel message too.
  bus.subscribe(EVENTS.orderRefunded, 'discord-admin-message', {
    lane: ADMIN_CHANNEL_LANE,
    schema: orderRefundedPayload,
    run: ({ tenantId, orderId }) => refreshAdminMessage(tenantId, orderId),
  });

  // "Erase personal data" (customers/erase-customer.ts): the message shows the erased order, the customer's
  // placeholder and only country, state and ZIP. A message deleted in Discord (10008), or a channel gone (10003)
  // or no longer accessible (50001), ends the job like any 4xx (endOnClientError): nothing left to erase there.
  bus.subscribe(EVENTS.orderPersonalDataErased, 'discord-admin-message', {
    lane: ADMIN_CHANNEL_LANE,
    schema: orderPersonalDataErasedPayload,
    run: ({ tenantId, orderId }) => refreshAdminMessage(tenantId, orderId),
  });

  bus.subscribe(EVENTS.orderCancelled, 'discord-admin-message', {
    lane: ADMIN_CHANNEL_LANE,
    schema: orderCancelledPayload,
    run: ({ tenantId, orderId, reason, note }) => refreshAdminMessage(tenantId, orderId, { reason, note }),
  });

  /**
   * An alert about one order to the shop's admin channel: none without a channel (logged, with where the fact
   * stays instead); the order read again, null once deleted (the alert still goes out, naming the order by id;
   * a database or programming error throws, so the job is retried; a refused Discord post is logged by
   * postToAdmins); posted at most once per `key`.
   */
  function subscribeOrderAlert<S extends z.ZodType<{ tenantId: string; orderId: string }>>(
    event: string,
    schema: S,
    alert: {
      notification: string;
      /** Where the fact stays when the shop has no admin channel. */
      withoutChannel: string;
      logFields?: (payload: z.output<S>) => Record<string, unknown>;
      message: (payload: z.output<S>, order: OrderDetail | null) => MessageData;
      key: (payload: z.output<S>) => string;
    },
  ): void {
    bus.subscribe(event, 'discord-admin-alert', {
      lane: ADMIN_CHANNEL_LANE,
      schema,
      async run(payload) {
        const log = deps.logger.child({
          tenantId: payload.tenantId,
          orderId: payload.orderId,
          ...alert.logFields?.(payload),
          notification: alert.notification,
        });
        const tenant = await deps.tenants.get(payload.tenantId);
        if (!tenant.adminChannelId) {
          log.warn(`tenant has no admin channel; ${alert.withoutChannel}`);
          return;
        }
        const order = await orderOrNull(payload.tenantId, payload.orderId);
        await postToAdmins(payload.tenantId, tenant.adminChannelId, alert.message(payload, order), log, alert.key(payload));
      },
    });
  }

  subscribeOrderAlert(EVENTS.refundFailed, refundFailedPayload, {
    notification: 'refund-failed',
    withoutChannel: "the failed refund is on the order's audit trail only",
    logFields: (a) => ({ refundId: a.refundId }),
    message: (a, order) => refundFailedAlert(a, order),
    key: (a) => `admin:refund-failed:${a.refundId}`,
  });

  subscribeOrderAlert(EVENTS.refundMadeAtProvider, refundMadeAtProviderPayload, {
    notification: 'refund-made-at-provider',
    withoutChannel: 'the refund made at the provider shows on the order only',
    message: (a, order) => refundMadeAtProviderAlert(a, order ? { ...order, customerDiscordUserId: order.customer.discordUserId } : null),
    key: (a) => `admin:refund-made-at-provider:${a.providerRefundId}`,
  });

  subscribeOrderAlert(EVENTS.refundClaimState, refundClaimStatePayload, {
    notification: 'refund-claim-state',
    withoutChannel: "the refund claim's state shows on the order page only",
    message: (a, order) => refundClaimStateAlert(a, order?.number ?? null),
    key: (a) => `admin:refund-claim-state:${a.payoutId ?? a.pullPaymentId}:${a.state}`,
  });

  subscribeOrderAlert(EVENTS.paymentUnapplied, paymentUnappliedPayload, {
    notification: 'payment-unapplied',
    withoutChannel: "the unapplied payment is on the order's audit trail only",
    logFields: (a) => ({ checkoutId: a.checkoutId }),
    message: (a, order) => unappliedAlert(a, order),
    key: (a) => `admin:payment-unapplied:${a.checkoutId}:${a.action}`,
  });

  subscribeOrderAlert(EVENTS.paymentCaptureRefused, paymentCaptureRefusedPayload, {
    notification: 'capture-refused',
    withoutChannel: "the refused capture is on the order's audit trail only",
    logFields: (a) => ({ checkoutId: a.checkoutId }),
    message: (a, order) => captureRefusedAlert(a, order),
    key: (a) => `admin:capture-refused:${a.checkoutId}`,
  });

  subscribeOrderAlert(EVENTS.paymentUnknownAtProvider, paymentUnknownAtProviderPayload, {
    notification: 'payment-unknown-at-provider',
    withoutChannel: 'the payment the provider no longer knows is in the log only',
    logFields: (a) => ({ checkoutId: a.checkoutId, providerCheckoutId: a.providerCheckoutId }),
    message: (a, order) => paymentUnknownAlert(a, order),
    key: (a) => `admin:payment-unknown:${a.checkoutId}`,
  });

  subscribeOrderAlert(EVENTS.paymentEventOtherOrder, paymentEventOtherOrderPayload, {
    notification: 'payment-event-other-order',
    withoutChannel: 'the event naming another order is in the log only',
    logFields: (a) => ({ checkoutId: a.checkoutId, providerCheckoutId: a.providerCheckoutId }),
    message: (a, order) => eventOtherOrderAlert(a, order),
    key: (a) => `admin:event-other-order:${a.checkoutId}:${a.providerCheckoutId}:${a.namedOrderId}:${a.state}`,
  });

  bus.subscribe(EVENTS.dmNotDelivered, 'discord-admin-alert', {
    lane: ADMIN_CHANNEL_LANE,
    schema: dmNotDeliveredPayload,
    async run(missed) {
      const { tenantId, orderId, noticeId } = missed;
      const log = deps.logger.child({ tenantId, orderId, noticeId, notification: 'dm-not-delivered' });
      const [tenant, customer, order] = await Promise.all([
        deps.tenants.get(tenantId),
        orNullIfNotFound(deps.customers.get(tenantId, missed.customerId)),
        orderId ? orderOrNull(tenantId, orderId) : null,
      ]);
      if (!tenant.adminChannelId) {
        log.info('tenant has no admin channel; the missed DM shows on the order only');
        return;
      }
      if (!customer) {
        log.info('the customer was deleted since; nobody left to reach');
        return;
      }
      const refusal = { refusedStatus: missed.refusedStatus ?? null, refusedCode: missed.refusedCode ?? null };
      const note = dmNotDeliveredNote(customer.discordUserId, order?.number ?? null, missed.kind, refusal);
      await postToAdmins(tenantId, tenant.adminChannelId, note, log, `admin:dm-not-delivered:${noticeId}`);
    },
  });

  bus.subscribe(EVENTS.invoiceLinkSent, 'discord-notify', {
    schema: invoiceLinkSentPayload,
    async run({ tenantId, orderId, url, sendId }) {
      // Paid or cancelled (expired) since the link was sent: not sent (loadWhileUnpaid).
      const loaded = await loadWhileUnpaid(tenantId, orderId, 'invoice-link');
      if (!loaded) return;
      const { tenant, order } = loaded;
      const amount = amountToPayText(order);
      const message: MessageData = {
        embeds: [
          embed({
            title: `${tenant.name}: pay for order #${order.number}`,
            color: COLORS.brand,
            description: `Your order **#${order.number}** is waiting for payment: ${amount}. Press **Pay now** to pay it online.`,
          }),
        ],
      };
      // One DM per deliberate send (a re-run job does not send it twice; a second "Send invoice link" does,
      // even when it signed the same URL within the same second). Jobs enqueued before sends had ids: the URL.
      await dm(tenant, order, withPayNow(message, url), 'invoice-link', sendId ?? sha256Hex(url).slice(0, 24));
    },
  });

  bus.subscribe(EVENTS.orderCreated, 'discord-notify', {
    schema: orderCreatedPayload,
    async run({ tenantId, orderId }) {
      // Cancelled or paid before this job ran (a backlog, Discord down and the job retried): not sent (loadWhileUnpaid).
      const loaded = await loadWhileUnpaid(tenantId, orderId, 'order-created');
      if (!loaded) return;
      const { tenant, order } = loaded;
      const payUrl = deps.invoices ? await payLinkFor(deps.invoices, tenantId, order) : null;
      await dm(tenant, order, withPayNow(createdDm(tenant, order, payUrl !== null), payUrl), 'order-created');
    },
  });

  bus.subscribe(EVENTS.orderPaid, 'discord-notify', {
    schema: orderPaidPayload,
    async run({ tenantId, orderId }) {
      const [tenant, order, delivered] = await Promise.all([
        shopOrNull(tenantId, 'order-paid'),
        orderOrNull(tenantId, orderId),
        deps.digital?.forOrder(tenantId, orderId) ?? [],
      ]);
      if (!tenant) return;
      if (order) return dm(tenant, order, receiptDm(tenant, order, delivered), 'order-paid');
      // Deleted since (an admin confirms, then deletes at once): the customer's money reached the shop, and the
      // receipt is their word for it. Without digital items: the delete revoked them (none are read for it).
      await toDeletedOrdersCustomer(tenant, orderId, 'order-paid', orderId, (was) => receiptDm(tenant, was, []));
    },
  });

  bus.subscribe(EVENTS.orderCancelled, 'discord-notify', {
    schema: orderCancelledPayload,
    async run({ tenantId, orderId, reason, note }) {
      const [tenant, order] = await Promise.all([shopOrNull(tenantId, 'order-cancelled'), orderOrNull(tenantId, orderId)]);
      if (!tenant) return;
      if (order) return dm(tenant, order, cancelledDm(tenant, order, reason, note), 'order-cancelled');
      // Deleted since (an admin cancels, then deletes at once): still sent. A customer holding a manual method's
      // instructions could otherwise still pay for it.
      await toDeletedOrdersCustomer(tenant, orderId, 'order-cancelled', orderId, (was) => cancelledDm(tenant, was, reason, note));
    },
  });

  bus.subscribe(EVENTS.orderRefunded, 'discord-notify', {
    schema: orderRefundedPayload,
    async run({ tenantId, orderId, refundId, amountCents }) {
      const [tenant, order] = await Promise.all([shopOrNull(tenantId, 'order-refunded'), orderOrNull(tenantId, orderId)]);
      if (!tenant) return;
      const message = (o: OrderOrDeleted) => refundedDm(tenant, o, refundId, amountCents);
      if (order) return dm(tenant, order, message(order), 'order-refunded', refundId);
      // Deleted since (an admin refunds, then deletes at once): the money is coming back to the customer, who is told so.
      await toDeletedOrdersCustomer(tenant, orderId, 'order-refunded', refundId, message);
    },
  });

  bus.subscribe(EVENTS.orderShipped, 'discord-notify', {
    schema: orderShippedPayload,
    async run(shipped) {
      const { tenantId, orderId } = shipped;
      const [tenant, order] = await Promise.all([shopOrNull(tenantId, 'order-shipped'), orderOrNull(tenantId, orderId)]);
      if (!tenant) return;
      // Keyed by what it says (the tracking), like its job: the same tracking is one DM.
      const key = shippedNoticeKey(orderId, shipped.trackingNumber, shipped.carrier).split(':').slice(1).join(':');
      const message = (o: OrderOrDeleted) => shippedDm(tenant, o, shipped);
      if (order) return dm(tenant, order, message(order), 'order-shipped', key);
      // Deleted since (an admin ships, then deletes at once): the parcel is on its way all the same, and the tracking
      // number (the event's) is how the customer follows it.
      await toDeletedOrdersCustomer(tenant, orderId, 'order-shipped', key, message);
    },
  });

  bus.subscribe(EVENTS.orderDelivered, 'discord-notify', {
    schema: orderDeliveredPayload,
    async run({ tenantId, orderId }) {
      // Deleted since: not sent (load ends it). The parcel is in the customer's hands and the shipping notice's tracking
      // link shows it delivered; the notice asks nothing of them and tells them of no money (docs/decisions/jobs.md).
      const loaded = await load(tenantId, orderId, 'order-delivered');
      if (!loaded) return;
      const { tenant, order } = loaded;
      await dm(tenant, order, deliveredDm(tenant, order), 'order-delivered');
    },
  });

  bus.subscribe(EVENTS.orderItemsChanged, 'discord-notify', {
    schema: orderItemsChangedPayload,
    async run(change) {
      const loaded = await load(change.tenantId, change.orderId, 'order-updated');
      if (!loaded) return;
      const { tenant, order } = loaded;
      // One DM per edit (its audit entry).
      await dm(tenant, order, itemsChangedDm(tenant, order, change), 'order-updated', change.changeId);
    },
  });

  // An admin changed the lines of an unpaid order: the post shows its lines and the total to approve.
  bus.subscribe(EVENTS.orderItemsChanged, 'discord-admin-message', {
    lane: ADMIN_CHANNEL_LANE,
    schema: orderItemsChangedPayload,
    run: ({ tenantId, orderId }) => refreshAdminMessage(tenantId, orderId, undefined, { whileUnpaid: true }),
  });

  bus.subscribe(EVENTS.paymentReceiptRecorded, 'discord-admin-message', {
    lane: ADMIN_CHANNEL_LANE,
    schema: paymentReceiptRecordedPayload,
    run: ({ tenantId, orderId }) => refreshAdminMessage(tenantId, orderId),
  });

  // "Record amount received" pressed on a post showing another amount received than the order has (its refresh after
  // the receipt not run yet, or ended on a refused edit): drawn again, with a cancelled order's own words read back.
  bus.subscribe(EVENTS.adminPostOutOfDate, 'discord-admin-message', {
    lane: ADMIN_CHANNEL_LANE,
    schema: adminPostOutOfDatePayload,
    run: async ({ tenantId, orderId }) =>
      refreshAdminMessage(tenantId, orderId, (await deps.cancelReason?.(tenantId, orderId)) ?? undefined),
  });

  // An overpayment marked returned in the panel: the post stops asking for it to be returned.
  bus.subscribe(EVENTS.overpaymentReturned, 'discord-admin-message', {
    lane: ADMIN_CHANNEL_LANE,
    schema: overpaymentReturnedPayload,
    run: ({ tenantId, orderId }) => refreshAdminMessage(tenantId, orderId),
  });

  // What became of a refund's processor part was recorded (sent, refused, refunded by the shop at the provider after it
  // was refused): the post's "Money back" (a cancelled order's Received) counts it as returned only once sent, so it is
  // edited to say where it stands, with the cancel's own words if the order was cancelled.
  bus.subscribe(EVENTS.refundProcessorOutcome, 'discord-admin-message', {
    lane: ADMIN_CHANNEL_LANE,
    schema: refundProcessorOutcomePayload,
    run: async ({ tenantId, orderId }) =>
      refreshAdminMessage(tenantId, orderId, (await deps.cancelReason?.(tenantId, orderId)) ?? undefined),
  });

  // A by-hand refund's money ticked as sent back (the order page's tick): a cancelled order's post stops asking for the
  // money received to be returned and says it was, with the cancel's own words (its reason, read back).
  bus.subscribe(EVENTS.manualReturnDone, 'discord-admin-message', {
    lane: ADMIN_CHANNEL_LANE,
    schema: manualReturnDonePayload,
    run: ({ tenantId, orderId }) => refreshAdminMessage(tenantId, orderId),
  });

  // A checkout of the order opened, has money on its way, or closed: the unpaid order's post says so (no Approve
  // or Record while money is on its way), and is itself again once the checkout closes without money.
  bus.subscribe(EVENTS.checkoutStateChanged, 'discord-admin-message', {
    lane: ADMIN_CHANNEL_LANE,
    schema: checkoutStateChangedPayload,
    run: ({ tenantId, orderId }) => refreshAdminMessage(tenantId, orderId, undefined, { whileUnpaid: true }),
  });

  bus.subscribe(EVENTS.paymentReceiptRecorded, 'discord-notify', {
    schema: paymentReceiptRecordedPayload,
    async run({ tenantId, orderId, receiptId, outcome }) {
      // A receipt that completed the payment is told by the payment receipt (order.paid).
      if (outcome === 'paid') return;
      const loaded = await load(tenantId, orderId, 'payment-received');
      if (!loaded) return;
      const { tenant, order } = loaded;
      const receipt = order.receipts.find((r) => r.id === receiptId);
      if (!receipt) return; // the order was edited or deleted since: nothing true to say
      await dm(tenant, order, paymentReceivedDm(tenant, order, receipt.amountCents), 'payment-received', receiptId);
    },
  });

  bus.subscribe(EVENTS.refundClaimLink, 'discord-notify', {
    schema: refundClaimLinkPayload,
    async run(claim) {
      // One DM per claim link (an order can have several refunds): keyed by the refund, not the order.
      const { tenantId, orderId, customerId, orderNumber, refundId } = claim;
      if (customerId === undefined || orderNumber === undefined) {
        // Queued before the payload carried the customer: the order says who it goes to.
        const loaded = await load(tenantId, orderId, 'refund-claim');
        if (loaded)
          await dm(loaded.tenant, loaded.order, refundClaimDm(loaded.tenant, loaded.order.number, claim), 'refund-claim', refundId);
        return;
      }
      // The claim pays the customer whether or not the order is still there (deleted since the refund): sent either way.
      const [tenant, order] = await Promise.all([shopOrNull(tenantId, 'refund-claim'), orderOrNull(tenantId, orderId)]);
      if (!tenant) return;
      await toCustomer(tenant, order, { customerId, orderId }, refundClaimDm(tenant, orderNumber, claim), 'refund-claim', refundId);
    },
  });

  return { load, dm, dmCustomer };
}

/** The ids of the message Discord created (its answer to POST /channels/{channel.id}/messages), or undefined. */
function sentMessageIds(sent: unknown): { channelId: string; messageId: string } | undefined {
  const m = sent as { id?: unknown; channel_id?: unknown } | null | undefined;
  return typeof m?.id === 'string' && typeof m.channel_id === 'string' ? { channelId: m.channel_id, messageId: m.id } : undefined;
}

/** 4xx other than 429 cannot be fixed by retrying: log and end the job. Anything else throws (retried). */
function endOnClientError(err: unknown, log: Logger): void {
  if (isRefusedByDiscord(err)) {
    log.warn({ status: err.status, code: err.code, message: err.message }, 'Discord refused the notification; not retrying');
    return;
  }
  throw err;
}

const money = (o: { currency: string }) => (c: number) => formatMoney(c, o.currency);

/** Who confirmed a payment, in the admin channel's words. */
function confirmedBy(p: { confirmedByType: string | null; confirmedById: string | null }): string {
  switch (p.confirmedByType) {
    case 'DISCORD_ADMIN':
      return p.confirmedById ? `by <@${p.confirmedById}>` : 'in Discord';
    case 'PANEL_ADMIN':
      return 'in the admin panel';
    case 'API_KEY':
      return 'through the API';
    case 'SYSTEM':
      return 'by the payment processor';
    default:
      return '';
  }
}

export type DmKind =
  | 'order-created'
  | 'order-paid'
  | 'order-cancelled'
  | 'order-refunded'
  | 'invoice-link'
  | 'refund-claim'
  | 'order-shipped'
  | 'order-delivered'
  | 'order-updated'
  | 'payment-received'
  | 'payment-reminder'
  | 'pay-window-extended'
  | 'digital-delivery'
  | 'access-ending'
  | 'access-ended'
  | 'late-money-returning'
  | 'late-money-flagged';
export const DM_WHAT: Record<DmKind, string> = {
  'order-created': 'the payment instructions',
  'order-paid': 'the payment receipt',
  'order-cancelled': 'the cancellation notice',
  'order-refunded': 'the refund notice',
  'refund-claim': 'the link to claim a Bitcoin refund',
  'invoice-link': 'the invoice link',
  'order-shipped': 'the shipping notice (with tracking)',
  'order-delivered': 'the delivery notice',
  'order-updated': 'the notice that the order was changed',
  'payment-received': 'the notice of a payment received',
  'payment-reminder': 'the reminder to pay',
  'pay-window-extended': 'the notice that the shop gave them more time to pay',
  'digital-delivery': 'the licence keys / download links',
  'access-ending': 'the notice that their timed access ends soon',
  'access-ended': 'the notice that their timed access ended',
  'late-money-returning': 'the notice that a payment which could not be used is being returned',
  'late-money-flagged': 'the notice that a payment which could not be used will be returned by the shop',
};

/**
 * The admins' note that a DM did not reach its customer; `kind` is a DmKind (as kept on the missed notice). Closed DMs
 * say so; another refusal says what Discord answered (missed-notices.ts refusalText), not that the customer closed them.
 */
function dmNotDeliveredNote(discordUserId: string, orderNumber: number | null, kind: string, refusal: DmRefusal): MessageData {
  const order = orderNumber === null ? '' : ` for order #${orderNumber}`;
  const what = (DM_WHAT as Record<string, string | undefined>)[kind] ?? 'a message';
  const description = dmsClosed(refusal)
    ? `<@${discordUserId}> does not accept direct messages, so ${what}${order} was not delivered. Reach them another way (or ask them to allow DMs from this server).`
    : `${what[0]!.toUpperCase()}${what.slice(1)}${order} was not delivered to <@${discordUserId}>: ${refusalText(refusal)}. It is not tried again. Reach them another way.`;
  return {
    embeds: [
      embed({
        title: `Customer not reached${orderNumber === null ? '' : `: order #${orderNumber}`}`,
        color: COLORS.warn,
        description,
      }),
    ],
  };
}

function refundFailedAlert(alert: RefundFailedPayload, order: OrderDetail | null): MessageData {
  const amount = formatMoney(alert.amountCents, alert.currency);
  const which = order ? `order #${order.number}` : `order ${alert.orderId} (since deleted)`;
  const customer = order ? ` to <@${order.customer.discordUserId}>` : '';
  return {
    embeds: [
      embed({
        title: `Refund NOT returned: ${which}`,
        color: COLORS.error,
        description: [
          `The payment processor did not return **${amount}**${customer} for ${which}.`,
          alert.permanent ? 'It refused the refund, so it will not be tried again.' : 'Every retry failed.',
          '**Return the money to the customer another way.** The order already shows the refund.',
        ].join('\n'),
        fields: [
          { name: 'Processor said', value: alert.error, inline: false },
          { name: 'Refund', value: `\`${alert.refundId}\``, inline: true },
        ],
      }),
    ],
  };
}

function unappliedAlert(alert: PaymentUnappliedPayload, order: OrderDetail | null): MessageData {
  const amount = formatMoney(alert.amountCents, alert.currency);
  const label = order ? `#${order.number}` : alert.orderId;
  const what = {
    REFUNDING: `${amount} arrived for order ${label} but could not pay it; it is being refunded to the customer automatically.`,
    REFUNDED: `${amount} that could not pay order ${label} was refunded to the customer through the provider.`,
    FLAGGED: `${amount} for order ${label} could NOT be returned automatically: return it to the customer yourself.`,
  }[alert.action];
  return {
    embeds: [
      embed({
        title: alert.action === 'FLAGGED' ? `Action needed: payment on order ${label}` : `Payment on order ${label} not used`,
        color: alert.action === 'FLAGGED' ? COLORS.error : COLORS.warn,
        description: what,
        fields: [
          { name: 'Why', value: alert.reason, inline: false },
          ...(alert.error ? [{ name: 'Provider said', value: alert.error, inline: false }] : []),
          { name: 'Checkout', value: `\`${alert.checkoutId}\``, inline: true },
        ],
      }),
    ],
  };
}

/**
 * What a DM that asks to pay names (the order received, the invoice link): what is still owed, so a part payment
 * recorded before the DM's job ran is not asked for again ("**$6.00** of $10.00 ($4.00 already received)"), the
 * total when nothing was received. Pay now charges the same (invoice.service).
 */
function amountToPayText(o: OrderDetail): string {
  const m = money(o);
  const owed = owedCents(o);
  return o.amountReceivedCents > 0 && owed < o.totalCents
    ? `**${m(owed)}** of ${m(o.totalCents)} (${m(o.amountReceivedCents)} already received)`
    : `**${m(o.totalCents)}**`;
}

/**
 * The payment instructions, in the words of the review and "Order submitted" (howToPayText): Pay now on the
 * invoice page for a processor-backed method (`payNow`: the DM carries the button), the payment reference in
 * the note for a manual one.
 */
function createdDm(tenant: Tenant, o: OrderDetail, payNow: boolean): MessageData {
  const howToPay = dmHowToPayText(tenant, o, payNow);
  return withOrderItems(o, {
    embeds: [
      embed({
        title: `${tenant.name}: order #${o.number} received`,
        color: COLORS.brand,
        // The deadline "Order submitted" gave too: that answer is only the customer's to see for a while, this DM stays.
        description: [
          `Please pay ${amountToPayText(o)} for order **#${o.number}**.`,
          ...howToPay,
          ...(o.paymentDueAt ? [payByLine(o.paymentDueAt)] : []),
        ].join('\n\n'),
        fields: [{ name: 'Totals', value: totalsText(o) }],
      }),
    ],
  });
}

/** The message with the order's lines as its first embed's leading fields: every line, by the one rule of item-fields.view.ts. */
function withOrderItems(o: Pick<OrderOrDeleted, 'items' | 'currency'>, message: MessageData, at = 0): MessageData {
  return withItemFields(message, o.items, o.currency, { seeAll: 'ask the shop for the full list', at });
}

/** What the customer writes in a manual payment's note: the order's payment reference (paymentNoteText). */
function paymentNoteLine(o: OrderDetail): string {
  if (isProcessorMethod(o.paymentMethod)) return `Your order number is **#${o.number}**.`;
  return paymentNoteText(o);
}

/** "Ship to" with the order's address; none for an order read from its delete's snapshot (which holds no address). */
function shipToFields(o: OrderOrDeleted): { name: string; value: string }[] {
  const address = 'shippingAddress' in o ? o.shippingAddress : null;
  return address ? [{ name: 'Ship to', value: formatAddress(address as unknown as AddressLike) }] : [];
}

function receiptDm(tenant: Tenant, o: OrderOrDeleted, delivered: DeliveredDigital): MessageData {
  const digital = digitalItemFields(delivered, { name: 'Your digital items', includeRevoked: false });
  return withOrderItems(o, {
    embeds: [
      embed({
        title: `${tenant.name}: receipt for order #${o.number}`,
        color: COLORS.ok,
        description: [
          `Payment received with ${paymentMethodLabel(o.paymentMethod)}. Thank you!`,
          overpaidCents(o) > 0
            ? `You sent ${money(o)(overpaidCents(o))} more than the total; the shop will return the difference.`
            : undefined,
          digital.length ? 'Keep this message: `/orders` shows your digital items again.' : undefined,
        ]
          .filter(Boolean)
          .join('\n\n'),
        fields: [{ name: 'Totals', value: totalsText(o) }, ...shipToFields(o), ...digital],
        timestamp: (o.paidAt ?? new Date()).toISOString(),
      }),
    ],
  });
}

/** Why the order was cancelled, as the cancellation DM's first sentence. */
const CANCEL_TEXT = {
  payment_rejected: 'Your order was cancelled because the shop could not confirm your payment.',
  admin_cancelled: 'The shop cancelled your order.',
  customer_cancelled: 'You cancelled this order.',
  expired: 'Your order was cancelled because it was not paid in time; its items were released.',
} as const;

/**
 * Who cancelled, in the customer's words: the DM's "Cancelled by" field; none when the customer cancelled it
 * themselves (the first sentence says so already).
 */
const CANCELLED_BY: Record<keyof typeof CANCEL_TEXT, string | null> = {
  payment_rejected: 'the shop (payment not confirmed)',
  admin_cancelled: 'the shop',
  customer_cancelled: null,
  expired: "the shop's pay window (not paid in time)",
};

function cancelledDm(
  tenant: Tenant,
  o: Pick<OrderDetail, 'number' | 'currency' | 'refundedTotalCents' | 'amountReceivedCents'>,
  reason: keyof typeof CANCEL_TEXT,
  note?: string,
): MessageData {
  const m = money(o);
  const refunded = o.refundedTotalCents > 0;
  const by = CANCELLED_BY[reason];
  return {
    embeds: [
      embed({
        title: `${tenant.name}: order #${o.number} cancelled`,
        color: COLORS.error,
        description: [
          CANCEL_TEXT[reason] ?? 'Your order was cancelled.',
          refunded
            ? `Your payment of ${m(o.refundedTotalCents)} is being returned to you.`
            : o.amountReceivedCents > 0
              ? `The shop had received ${m(o.amountReceivedCents)} from you; contact them to get it back.`
              : 'If you already paid, contact the shop and they will sort it out.',
          orderAgainSentence('`/order`'),
        ].join('\n\n'),
        fields: [
          ...(by === null ? [] : [{ name: 'Cancelled by', value: by ?? 'the shop', inline: true }]),
          ...(note ? [{ name: 'Reason', value: note, inline: false }] : []),
        ],
      }),
    ],
  };
}

function shippedDm(tenant: Tenant, o: OrderOrDeleted, shipped: OrderShippedPayload): MessageData {
  const link = trackingLink(shipped.trackingNumber, shipped.carrier);
  const tracking = shipped.trackingNumber
    ? [{ name: 'Tracking number', value: `\`${shipped.trackingNumber}\`${link ? ` (${link.name})` : ''}`, inline: false }]
    : [];
  const message: MessageData = {
    embeds: [
      embed({
        title: `${tenant.name}: order #${o.number} shipped`,
        color: COLORS.brand,
        description: [
          'Your order is on its way.',
          link
            ? `Follow it here: ${link.url}`
            : shipped.trackingNumber
              ? "Use the tracking number on your carrier's website."
              : 'The shop will send the tracking number when it has one.',
        ].join('\n'),
        fields: [...tracking, ...shipToFields(o)],
      }),
    ],
    ...(link ? { components: [{ type: 1, components: [{ type: 2, style: 5, label: 'Track package', url: link.url }] }] } : {}),
  };
  // What the parcel holds: units refunded before it left are not in it.
  return withOrderItems({ currency: o.currency, items: linesNotRefunded(o.items) }, message, tracking.length);
}

function deliveredDm(tenant: Tenant, o: OrderDetail): MessageData {
  return {
    embeds: [
      embed({
        title: `${tenant.name}: order #${o.number} delivered`,
        color: COLORS.ok,
        description: 'The carrier says your order was delivered. Enjoy! If anything is missing or damaged, contact the shop.',
      }),
    ],
  };
}

function itemsChangedDm(tenant: Tenant, o: OrderDetail, change: OrderItemsChangedPayload): MessageData {
  const m = money(o);
  const owed = owedCents(o);
  return withOrderItems(o, {
    embeds: [
      embed({
        title: `${tenant.name}: order #${o.number} was changed`,
        color: COLORS.warn,
        description: [
          `The shop changed the items of your order. The total is now **${m(change.totalAfterCents)}** (it was ${m(change.totalBeforeCents)}).`,
          o.status === 'PENDING_PAYMENT' && owed > 0
            ? `Please pay **${m(owed)}**${o.amountReceivedCents > 0 ? ` (${m(o.amountReceivedCents)} already received)` : ''}. ${paymentNoteLine(o)}`
            : undefined,
        ]
          .filter(Boolean)
          .join('\n\n'),
        fields: [{ name: 'Totals', value: totalsText(o) }],
      }),
    ],
  });
}

function paymentReceivedDm(tenant: Tenant, o: OrderDetail, amountCents: number): MessageData {
  const m = money(o);
  const owed = owedCents(o);
  const over = overpaidCents(o);
  return {
    embeds: [
      embed({
        title: `${tenant.name}: payment received for order #${o.number}`,
        color: COLORS.ok,
        description: [
          `The shop received **${m(amountCents)}** from you.`,
          owed > 0
            ? `${receivedAmountText(o)}. Please send the remaining **${m(owed)}**. ${paymentNoteLine(o)}`
            : over > 0
              ? `That is ${m(over)} more than the total of ${m(o.totalCents)}; the shop will return the difference.`
              : undefined,
        ]
          .filter(Boolean)
          .join('\n\n'),
      }),
    ],
  };
}

/** A BTCPay refund: nothing reaches the customer until they claim it with their own Bitcoin address. */
function refundClaimDm(tenant: Tenant, orderNumber: number, claim: RefundClaimLinkPayload): MessageData {
  return {
    embeds: [
      embed({
        title: `${tenant.name}: claim your refund for order #${orderNumber}`,
        color: COLORS.ok,
        description: [
          claim.lateMoneyCause
            ? `The shop received **${formatMoney(claim.amountCents, claim.currency)}** from you for order **#${orderNumber}**, but ${lateMoneyWhy(claim.lateMoneyCause)}, so the payment could not be used. To get it back, open the link, enter your Bitcoin address and press Claim: the shop then sends it.`
            : `Your refund of **${formatMoney(claim.amountCents, claim.currency)}** is ready. Open the link, enter your Bitcoin address and press Claim: the shop then sends it.`,
          claim.claimUrl,
        ].join('\n'),
      }),
    ],
    components: [{ type: 1, components: [{ type: 2, style: 5, label: 'Claim refund', url: claim.claimUrl }] }],
  };
}

/**
 * What had been refunded once `refundId` was made: the order's refunds up to and including it (they are in the
 * order they were made). The DM may be sent after later refunds (a worker backlog, Discord rate limits), and
 * must tell the state this refund left, not the order's latest ("fully refunded" on the first of two refunds).
 */
function refundedThrough(o: OrderOrDeleted, refundId: string): number {
  const at = o.refunds.findIndex((r) => r.id === refundId);
  if (at < 0) return o.refundedTotalCents;
  return o.refunds.slice(0, at + 1).reduce((sum, r) => sum + r.amountCents, 0);
}

/**
 * Who sends the refund's money back (refundMoneyBack, the rule /refund's answer and the panel's notice follow): the
 * processor, or the shop by hand, which has not sent it yet when this DM goes (the admin's to-do on the order page),
 * or both, each with its part. The processor's part is sent by the refund job, which may not have run when this DM
 * goes: it is being returned, never "we refunded" (if the processor refuses it, the admins are told and return it
 * another way).
 */
function refundedLine(refund: Pick<Refund, 'amountCents' | 'manualReturnMethod' | 'manualReturnCents'>, m: (c: number) => string): string {
  const back = refundMoneyBack(refund);
  if (back.by === 'processor')
    return `A refund of **${m(refund.amountCents)}** on your order is being returned to you through your online payment.`;
  const byHand = `**${m(back.byHandCents)}** back to you by ${sentByLabel(back.method)}`;
  if (back.by === 'hand') return `The shop is sending ${byHand}.`;
  return `A refund of **${m(refund.amountCents)}** on your order: **${m(back.processorCents)}** is being returned to you through your online payment, and the shop is sending the other ${byHand}.`;
}

function refundedDm(tenant: Tenant, o: OrderOrDeleted, refundId: string, amountCents: number): MessageData {
  const m = money(o);
  const refund = o.refunds.find((r) => r.id === refundId);
  const soFar = refundedThrough(o, refundId);
  return {
    embeds: [
      embed({
        title: `${tenant.name}: refund on order #${o.number}`,
        color: COLORS.ok,
        description: [
          refund ? refundedLine(refund, m) : `A refund of **${m(amountCents)}** was made on your order.`,
          refund ? `${refundBreakdown(partsOfRefund(refund), o.currency)}.` : undefined,
          refund?.reason ? `Reason: ${refund.reason}` : undefined,
          `Refunded so far: ${m(soFar)} of ${m(o.totalCents)}.`,
          soFar >= o.totalCents ? 'The order is now fully refunded.' : undefined,
        ]
          .filter(Boolean)
          .join('\n'),
      }),
    ],
  };
}
