// The rich /order flow (spec 001): /order, product select and pages, quantity modal, address (saved, new,
// corrected), shipping type, payment method, review, confirm and cancel. Handlers validate what the user
// sent with zod and call one session/order service method each; the services enforce role gates, stock and
// the state machine, so a crafted interaction fails there too.
import { z } from 'zod';
import { PaymentMethod } from '../../../generated/prisma/index.js';
import { AppError, isAppError } from '../../../platform/errors.js';
import { parseInput } from '../../../platform/validate.js';
import { MAX_LINE_QUANTITY, type SessionView } from '../../../modules/checkout/index.js';
import {
  ADDRESS_MAX_LENGTH,
  addressProblemsError,
  checkAddressInput,
  type AddressInput,
} from '../../../modules/customers/address.schema.js';
import type { CommandRoutes, ComponentRoutes, HandlerContext, Reply } from '../context.js';
import { displayName } from '../context.js';
import { commandOptions, modalValues, selectedValues } from '../interaction-data.js';
import { customId } from '../custom-id.js';
import { clip } from '../replies.js';
import {
  addressModal,
  addressRetryStep,
  addressTypedFrom,
  cancelledStep,
  correctedAddressStep,
  correctionKeptFrom,
  correctionKeptNote,
  productStep,
  savedAddressShown,
  type AddressLike,
  type CorrectionChoice,
  type TypedAddress,
} from '../views/order-steps.view.js';
import { submittedMessage } from './order-self-service.handlers.js';
import {
  flowMessageKeys,
  flowReply,
  nextScreen,
  onItsSession,
  orderableProduct,
  quantityModalFor,
  recordFlowMessage,
  recordMadeMessage,
  screenPastSubmitRefusal,
  submitReviewed,
} from './order-flow.js';

const productIdSchema = z.string().regex(/^prod_[A-Za-z0-9]{1,60}$/, 'a product id');
/** A line's quantity as the quantity modal takes it: 1 to the session's own limit (checkout's MAX_LINE_QUANTITY). */
const QUANTITY_PROBLEM = `Quantity must be a whole number from 1 to ${MAX_LINE_QUANTITY}.`;
const quantitySchema = z.object({
  quantity: z
    .string()
    .trim()
    .regex(/^\d{1,4}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_LINE_QUANTITY)),
});

/** The quantity typed in the modal; any problem is the one sentence the customer can act on. */
function quantityFromModal(ctx: HandlerContext): number {
  const parsed = quantitySchema.safeParse(modalValues(ctx.interaction));
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', QUANTITY_PROBLEM);
  return parsed.data.quantity;
}

const one = (ctx: HandlerContext, schema: z.ZodType<string>, what: string) =>
  parseInput(z.tuple([schema]), selectedValues(ctx.interaction), what)[0];

/**
 * Runs an address modal's work; a refused address (VALIDATION_FAILED: the postal code and country, or a
 * field the address rules refuse) answers with what was wrong and a button that reopens the form with
 * what was typed, instead of an error that loses it.
 */
export async function keepTypedAddress(
  ctx: HandlerContext,
  retryId: string,
  reply: (data: ReturnType<typeof addressRetryStep>) => Reply,
  work: () => Promise<Reply>,
): Promise<Reply> {
  try {
    return await work();
  } catch (err) {
    if (!isAppError(err) || err.code !== 'VALIDATION_FAILED') throw err;
    const v = modalValues(ctx.interaction);
    // A modal opened before the street took its second line sent line1 and line2: kept as the street's two lines.
    const street = v.street ?? ([v.line1, v.line2].filter(Boolean).join('\n') || undefined);
    const typed: TypedAddress = { name: v.name, street, city: v.city, state: v.state, postal_country: v.postal_country };
    return reply(addressRetryStep(err.message, typed, retryId));
  }
}

/** The form again, filled with what the refused attempt typed (read back from the message the button is on). */
export function reopenAddressModal(ctx: HandlerContext, modalId: string): Reply {
  const message = (ctx.interaction as { message?: { embeds?: { fields?: { name: string; value: string }[] }[] } }).message;
  return addressModal(modalId, undefined, addressTypedFrom(message?.embeds));
}

type SavedAddressRow = Parameters<typeof savedAddressShown>[0] & { id: string };

/** The address form filled with a saved address, its recipient name left empty unless the customer typed it. */
export function savedAddressModal(modalId: string, saved: SavedAddressRow): Reply {
  return addressModal(modalId, savedAddressShown(saved));
}

/**
 * For a picked saved address's refusal: one without a typed recipient name (saved before the form asked for it,
 * with the Discord name or none: address.store.ts hasTypedRecipient) opens the form filled with it and the name
 * left to type; a submit then saves the name on that address (same place) and goes on. Other errors are thrown.
 */
export async function askRecipientName(
  ctx: HandlerContext,
  customerId: string,
  addressId: string,
  modalId: string,
  err: unknown,
): Promise<Reply> {
  if (!isAppError(err) || err.details?.reason !== 'recipientName') throw err;
  const saved = (await ctx.services.customers.listAddresses(ctx.tenant.id, customerId)).find((a) => a.id === addressId);
  if (!saved) throw err;
  return savedAddressModal(modalId, saved);
}

const POSTAL_COUNTRY_PROBLEM = 'Enter the postal code and the two-letter country, for example "62701 US".';

/**
 * Turns the new-address modal into an AddressInput (the recipient as typed; `nameFromDiscord` when a modal
 * opened before the name input made it the Discord display name), checked with the address rules; a refused one
 * is VALIDATION_FAILED listing every problem as a sentence at once, so one retry can fix them all.
 */
export function addressFromModal(ctx: HandlerContext): { address: AddressInput; nameFromDiscord: boolean } {
  const v = modalValues(ctx.interaction);
  // The postal code and the country share one input (a modal holds five): "62701 US" or "SW1A 1AA, GB".
  const pc = (v.postal_country ?? '').trim().match(/^(.+?)[\s,]+([A-Za-z]{2})$/);
  // The street and its optional second line (apartment, suite) share one input; a modal opened before it did
  // (line1 and line2 inputs, and no name) is still read as it was sent.
  const street =
    v.street === undefined
      ? null
      : v.street
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean);
  const checked = checkAddressInput({
    // The recipient's full name; a modal without the input (opened before it was added) ships to the Discord name.
    name: v.name?.trim() || displayName(ctx.user).slice(0, ADDRESS_MAX_LENGTH.name),
    line1: street ? (street[0] ?? '') : (v.line1 ?? ''),
    line2: street ? street.slice(1).join(', ') || undefined : v.line2 || undefined,
    city: v.city ?? '',
    state: v.state || undefined,
    postalCode: pc ? pc[1]!.trim() : '',
    country: pc ? pc[2]! : '',
  });
  if (pc && checked.ok) return { address: checked.address, nameFromDiscord: !v.name?.trim() };
  const problems = checked.ok ? [] : checked.problems;
  // Without both parts the input's own problem says what to type; the split fields' problems would not.
  throw addressProblemsError(
    pc
      ? problems
      : [
          ...problems.filter((p) => p.field !== 'postalCode' && p.field !== 'country'),
          { field: 'postal_country', message: POSTAL_COUNTRY_PROBLEM },
        ],
  );
}

const slowTax = (ctx: HandlerContext) => ctx.tenant.taxjarEnabled;

/**
 * "Use suggested" or "Keep mine" (`tapped`): the address taken, then the next screen. A second tap (a double tap is
 * two interactions) finds no suggestion waiting because the first took an address: it shows where the order stands
 * instead of "enter your address again", and when the first tap took the other address (a change of mind), says
 * which one was kept.
 */
async function afterCorrection(
  ctx: HandlerContext,
  tapped: CorrectionChoice,
  take: (tenantId: string, customerId: string) => Promise<SessionView>,
): Promise<Reply> {
  const customer = await ctx.customer();
  let session: SessionView;
  let note: string | undefined;
  try {
    session = await take(ctx.tenant.id, customer.id);
  } catch (err) {
    if (!isAppError(err) || err.details?.pendingAddress !== 'none') throw err;
    const now = await ctx.services.orderSessions.getActive(ctx.tenant.id, customer.id);
    if (!now?.address) throw err;
    session = now;
    const kept = correctionKeptFrom(ctx.interaction.message?.embeds, now.address as AddressLike);
    if (kept && kept !== tapped) note = correctionKeptNote(kept);
  }
  return flowReply(ctx, await nextScreen(ctx, session, note));
}

/**
 * `/order productid:` as typed: without the spaces a phone adds around a paste (as /order-item's productid), and
 * anything that is not a product id refused with what to type instead.
 */
function productIdOption(ctx: HandlerContext): string | undefined {
  const raw = commandOptions(ctx.interaction).productid;
  const typed = typeof raw === 'string' ? raw.trim() : undefined;
  if (!typed) return undefined;
  if (!productIdSchema.safeParse(typed).success) {
    throw new AppError(
      'VALIDATION_FAILED',
      `"${clip(typed, 64)}" is not a product id (they look like prod_…, as \`/product-list\` shows them). Run \`/order\` without it to pick the product from the menu.`,
    );
  }
  return typed;
}

export const orderCommands: CommandRoutes = {
  order: {
    // Resuming into the review step may compute tax; opening the quantity modal must never be deferred.
    deferIf: (ctx) => slowTax(ctx) && !String(commandOptions(ctx.interaction).productid ?? '').trim(),
    async run(ctx) {
      const productId = productIdOption(ctx);
      const customer = await ctx.customer();
      if (productId) return quantityModalFor(ctx, productId);
      const { session, resumed } = await ctx.services.orderSessions.start(ctx.tenant.id, customer.id, { guildId: ctx.guildId });
      const reply = flowReply(
        ctx,
        await nextScreen(ctx, session, resumed && session.items.length ? 'Welcome back: continuing your order.' : undefined),
      );
      // The message this answer makes is the session's from now on, though no one has pressed on it yet.
      await recordMadeMessage(ctx, reply, session);
      return reply;
    },
  },
};

export const orderComponents: ComponentRoutes = {
  'order:products': {
    kind: 'component',
    showsOnly: true,
    async run(ctx, [page]) {
      const products = await ctx.services.catalog.listProducts(ctx.tenant.id, { memberRoleIds: ctx.memberRoleIds });
      return flowReply(ctx, productStep(products, page, undefined, ctx.tenant));
    },
  },
  'order:product-select': {
    kind: 'component',
    showsOnly: true,
    async run(ctx) {
      return quantityModalFor(ctx, one(ctx, productIdSchema, 'product'));
    },
  },
  'order:qty-modal': {
    kind: 'modal',
    run: onItsSession(async (ctx, [productId]) => {
      const quantity = quantityFromModal(ctx);
      const customer = await ctx.customer();
      const input = { productId, quantity, memberRoleIds: ctx.memberRoleIds };
      // Usually a session is already open (the modal came from /order's menu): set the item straight away,
      // and only when there is none (the catalog's button, /order productid:) or it expired, start one and
      // set the item again. Saves a session round trip per quantity modal; the result is the same.
      // Only the session's own problem (details.session) starts one: an unknown or unavailable product is
      // NOT_FOUND too, and starting (or resuming, which extends the session's expiry) for it wrote for a
      // refused modal. Without a session, the product is checked before one is started, for the same reason.
      const session = await ctx.services.orderSessions.setItem(ctx.tenant.id, customer.id, input).catch(async (err: unknown) => {
        const problem = isAppError(err) ? err.details?.session : undefined;
        if (problem !== 'none' && problem !== 'expired') throw err;
        await orderableProduct(ctx, productId);
        await ctx.services.orderSessions.start(ctx.tenant.id, customer.id, { guildId: ctx.guildId });
        return ctx.services.orderSessions.setItem(ctx.tenant.id, customer.id, input).catch(async (refused: unknown) => {
          // The new session stays open though its first item was refused (more units than are left): the message
          // pressed on is its now, or the customer's next try there would be taken for an ended session's.
          await recordFlowMessage(ctx, customer.id, flowMessageKeys(ctx));
          throw refused;
        });
      });
      const line = session.items.find((i) => i.productId === productId);
      // The modal sets the line's quantity (choosing a product already in the order changes its count, it does
      // not add to it), so the note says what the order now holds, not "Added".
      const reply = flowReply(
        ctx,
        await nextScreen(ctx, session, line ? `Your order now has ${line.quantity} × ${line.name}.` : undefined),
      );
      // Sent from no flow message (`/order productid:`, the catalog), the answer is a new message of this session.
      await recordMadeMessage(ctx, reply, session);
      return reply;
    }),
  },
  'order:use-existing': {
    kind: 'component',
    run: onItsSession(async (ctx) => {
      const addressId = one(ctx, z.string().regex(/^adr_[A-Za-z0-9]{1,60}$/, 'a saved address'), 'address');
      const customer = await ctx.customer();
      let session;
      try {
        session = await ctx.services.orderSessions.setAddress(ctx.tenant.id, customer.id, { addressId });
      } catch (err) {
        return askRecipientName(ctx, customer.id, addressId, customId('order:address:modal'), err);
      }
      return flowReply(ctx, await nextScreen(ctx, session));
    }),
  },
  'order:address:new': {
    kind: 'component',
    showsOnly: true,
    async run() {
      return addressModal(customId('order:address:modal'));
    },
  },
  'order:address:modal': {
    kind: 'modal',
    deferIf: (ctx) => ctx.tenant.addressValidation,
    run: onItsSession(async (ctx) => {
      return keepTypedAddress(
        ctx,
        customId('order:address:retry'),
        (data) => flowReply(ctx, data),
        async () => {
          const input = addressFromModal(ctx);
          const { address } = input;
          const customer = await ctx.customer();
          const { tenant, services } = ctx;
          if (tenant.addressValidation) {
            const { suggested } = await services.addressCheck.validate(tenant, address);
            if (suggested) {
              await services.orderSessions.setPendingAddress(tenant.id, customer.id, { original: address, suggested });
              return flowReply(ctx, correctedAddressStep(address, suggested));
            }
          }
          const session = await services.orderSessions.setAddress(tenant.id, customer.id, input);
          return flowReply(ctx, await nextScreen(ctx, session));
        },
      );
    }),
  },
  'order:address:retry': {
    kind: 'component',
    showsOnly: true,
    async run(ctx) {
      return reopenAddressModal(ctx, customId('order:address:modal'));
    },
  },
  'order:address:accept-corrected': {
    kind: 'component',
    run: onItsSession((ctx) => afterCorrection(ctx, 'suggested', ctx.services.orderSessions.acceptCorrectedAddress)),
  },
  'order:address:keep-original': {
    kind: 'component',
    run: onItsSession((ctx) => afterCorrection(ctx, 'original', ctx.services.orderSessions.keepOriginalAddress)),
  },
  'order:shipping-type-select': {
    kind: 'component',
    run: onItsSession(async (ctx) => {
      const shippingTypeId = one(ctx, z.string().regex(/^shp_[A-Za-z0-9]{1,60}$/, 'a shipping option'), 'shipping option');
      const customer = await ctx.customer();
      return flowReply(
        ctx,
        await nextScreen(ctx, await ctx.services.orderSessions.setShippingType(ctx.tenant.id, customer.id, shippingTypeId)),
      );
    }),
  },
  'order:payment-method-select': {
    kind: 'component',
    deferIf: slowTax,
    run: onItsSession(async (ctx) => {
      const method = one(ctx, z.enum(Object.values(PaymentMethod) as [PaymentMethod, ...PaymentMethod[]]), 'payment method');
      const customer = await ctx.customer();
      return flowReply(ctx, await nextScreen(ctx, await ctx.services.orderSessions.setPaymentMethod(ctx.tenant.id, customer.id, method)));
    }),
  },
  'order:confirm': {
    kind: 'component',
    deferIf: slowTax,
    run: onItsSession(async (ctx, params) => {
      const [fingerprint] = params;
      // While unpaid: the deadline, "Cancel order" and, for processor-backed methods, "Pay now" (order-self-service.handlers.ts).
      const screen = await submitReviewed(
        ctx,
        fingerprint,
        (order, created) => submittedMessage(ctx, order, created),
        'Click **Confirm & submit** to place it at these amounts.',
      ).catch(async (err: unknown) => {
        // Something chosen is no longer offered as it was (sold out, a product or option withdrawn): the way on.
        const screen = await screenPastSubmitRefusal(ctx, err);
        if (!screen) throw err;
        return screen;
      });
      return flowReply(ctx, screen);
    }),
  },
  'order:cancel': {
    kind: 'component',
    async run(ctx) {
      const customer = await ctx.customer();
      // A Cancel on a message of an earlier, ended session does not cancel the one open now (CONFLICT, which replaces
      // that stale message: error-reply.ts).
      const { cancelled, alreadyCancelled, placedOrderId } = await ctx.services.orderSessions.cancel(ctx.tenant.id, customer.id, {
        message: flowMessageKeys(ctx),
      });
      if (placedOrderId) {
        // Confirm already placed it: "nothing to cancel" would replace the order's message (its payment reference,
        // its own Cancel order) and tell them nothing was ordered. The order again, and how to cancel it.
        const order = await ctx.services.orders.get(ctx.tenant.id, placedOrderId);
        const message = await submittedMessage(ctx, order, false);
        const note =
          order.status === 'PENDING_PAYMENT'
            ? 'This order was already placed, so it was not cancelled. To cancel it, use **Cancel order** below.'
            : 'This order was already placed, so it was not cancelled.';
        const [first, ...rest] = message.embeds ?? [];
        return flowReply(
          ctx,
          first ? { ...message, embeds: [{ ...first, description: `${note}\n\n${first.description ?? ''}` }, ...rest] } : message,
        );
      }
      // A second tap (a double tap, a message not updated yet) answers as the first did: the session is cancelled.
      return flowReply(ctx, cancelledStep(cancelled || alreadyCancelled === true));
    },
  },
};
