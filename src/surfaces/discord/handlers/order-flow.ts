// Shared pieces of the rich /order flow: which screen comes next for a session, and whether to update the
// flow's message in place or post a new ephemeral one.
import { AppError, isAppError } from '../../../platform/errors.js';
import { memberMayBuy } from '../../../modules/catalog/role-gate.js';
import { visibleTo } from '../../../modules/catalog/catalog.service.js';
import { inStock, outOfStockError } from '../../../modules/checkout/index.js';
import type { Product } from '../../../generated/prisma/index.js';
import type { HandlerContext, Reply } from '../context.js';
import { clip, ephemeral, update, type MessageData } from '../replies.js';
import { flowMessageKeys as flowMessageKeysOf, isFlowMessage, madeByKey, makesFlowMessage } from '../flow-message.js';
import {
  addressStep,
  correctedAddressStep,
  paymentStep,
  productStep,
  quantityModal,
  reviewStep,
  shippingStep,
  type AddressLike,
} from '../views/order-steps.view.js';
import type { SessionView } from '../../../modules/checkout/index.js';
import type { SubmitResult } from '../../../modules/checkout/index.js';

/**
 * The product, if this member may see it: inactive products and products behind a role the member lacks are
 * "not available" (not shown, and no quantity modal opens). The session service checks the role again.
 */
export async function orderableProduct(ctx: HandlerContext, productId: string): Promise<Product> {
  const product = await ctx.services.catalog.getProduct(ctx.tenant.id, productId);
  if (!product.active || !memberMayBuy(product, ctx.memberRoleIds))
    throw new AppError('NOT_FOUND', 'That product is not available to you.');
  // No quantity to ask for when there is none to sell (the menus mark such products already).
  if (!inStock(ctx.tenant, product)) throw outOfStockError(product);
  return product;
}

/**
 * The quantity modal of a product this member may order, opened at the quantity their open order holds of it (what
 * the modal sends replaces it): the product menu, the catalog's Order button, /order productid: and /product-list's
 * Add. Reads only (these routes make no customer row).
 */
export async function quantityModalFor(ctx: HandlerContext, productId: string) {
  const [product, inOrder] = await Promise.all([
    orderableProduct(ctx, productId),
    ctx.services.orderSessions.lineQuantityForMember(ctx.tenant.id, ctx.user.id, productId),
  ]);
  return quantityModal(product, inOrder);
}

/** The keys of the flow message the interaction came from ([] when none): flow-message.ts flowMessageKeys. */
export function flowMessageKeys(ctx: HandlerContext): string[] {
  return flowMessageKeysOf(ctx.interaction);
}

/**
 * A step of the flow pressed on one of its messages runs only on the session that message shows: one recorded only for
 * the customer's ended sessions while another is open is refused before the step (CONFLICT, details.session 'other',
 * which replaces that stale message: error-reply.ts), so a stale screen's menu, modal or Confirm never changes or places
 * the open session. Otherwise, once the step ran, the message is recorded as the open session's (the session's
 * flowMessageIds; a refused step writes nothing), so a press there later is told apart, Cancel's too
 * (sessions/steps/start.ts cancel). The answers that make a flow message record it themselves (recordMadeMessage).
 */
export function onItsSession<P>(run: (ctx: HandlerContext, params: P) => Promise<Reply>) {
  return async (ctx: HandlerContext, params: P): Promise<Reply> => {
    const message = flowMessageKeys(ctx);
    if (!message.length) return run(ctx, params);
    const sessions = ctx.services.orderSessions;
    const customerId = (await ctx.customer()).id;
    await sessions.checkMessage(ctx.tenant.id, customerId, message);
    const reply = await run(ctx, params);
    // Recorded for the session the step ran on, which is not always the one checked: a step on the customer's own
    // message of a session that ran out ends it and opens another (the quantity modal; refused after opening it, it
    // records the message itself). shownIn skips a message already recorded for the open session.
    await recordFlowMessage(ctx, customerId, message);
    return reply;
  };
}

/**
 * The flow message recorded as the open session's (shownIn), under each of its keys; only as `sessionId`'s when given.
 * Best-effort: the step has committed, so a fault here is logged, not answered as "nothing was changed"; the message
 * then stays the session's it was.
 */
export async function recordFlowMessage(
  ctx: HandlerContext,
  customerId: string,
  message: readonly string[],
  opts: { sessionId?: string } = {},
): Promise<void> {
  if (!message.length) return;
  await ctx.services.orderSessions.shownIn(ctx.tenant.id, customerId, message, opts).catch((err: unknown) => {
    ctx.log.warn({ err, message }, 'flow message not recorded for its session');
  });
}

/**
 * When `reply` makes a new message of the flow (the answer to /order, or to the quantity form sent from no flow
 * message), that message recorded as `session`'s, the session it shows, under the interaction that made it: Discord
 * names that interaction on a press there (flow-message.ts), so the message is its session's before anyone pressed on
 * it. Called once the step succeeded (a refused step writes nothing); nothing is recorded if another session has
 * taken its place meanwhile.
 */
export async function recordMadeMessage(ctx: HandlerContext, reply: Reply, session: { id: string; customerId: string }): Promise<void> {
  if (!makesFlowMessage(reply)) return;
  await recordFlowMessage(ctx, session.customerId, [madeByKey(ctx.interaction.id)], { sessionId: session.id });
}

/** Updates the flow message in place when the interaction came from it; otherwise a new ephemeral message. */
export function flowReply(ctx: HandlerContext, data: MessageData): Reply {
  return isFlowMessage(ctx.interaction) ? update(data) : ephemeral(data);
}

/** The next screen for the session's state: product, corrected address, address, shipping, payment, review. */
export async function nextScreen(ctx: HandlerContext, session: SessionView, note?: string): Promise<MessageData> {
  const { services, tenant } = ctx;
  const customer = await ctx.customer();
  if (session.items.length === 0) {
    const products = session.activeProducts
      ? visibleTo(session.activeProducts, ctx.memberRoleIds)
      : await services.catalog.listProducts(tenant.id, { memberRoleIds: ctx.memberRoleIds });
    return productStep(products, 0, note, tenant);
  }
  const withNote = (data: MessageData) => noted(data, note);
  if (session.pendingAddress) {
    return withNote(correctedAddressStep(session.pendingAddress.original, session.pendingAddress.suggested));
  }
  if (!session.address) {
    const addresses = session.savedAddresses ?? (await services.customers.listAddresses(tenant.id, customer.id));
    return addressStep(session.items, session.currency, addresses, note);
  }
  if (!session.shippingType) {
    // The types this cart may take (a digital-only one only when every line is digital); none (a shop
    // without shipping types, or only digital-only ones for goods to ship) skips this step, and the session
    // service agrees (selection-rules.ts shippingChosenRule).
    const types = await services.orderSessions.shippingChoices(tenant.id, customer.id);
    if (types.length) return withNote(shippingStep(session.address as AddressLike, types, session.currency));
  }
  // The methods the session's rules accept (enabled, and payable here: checkout/selection-rules.ts), so the
  // menu, /order-payment, review and submit agree.
  if (!session.paymentMethod) {
    return withNote(paymentStep(await services.orderSessions.paymentChoices(tenant.id, customer.id)));
  }
  let quote;
  try {
    quote = await services.orderSessions.review(tenant.id, customer.id);
  } catch (err) {
    const screen = await screenPastRefusal(ctx, session, err, note);
    if (!screen) throw err;
    return screen;
  }
  return reviewStep(quote, tenant, note);
}

/**
 * `data` with `note` above its first embed's text, within Discord's 4096 characters a description (notes add up when
 * several lines change at once). The screens that list the cart (address, review) take the note themselves, to fit
 * their lines around it.
 */
function noted(data: MessageData, note: string | undefined): MessageData {
  const [first, ...rest] = data.embeds ?? [];
  if (!note || !first) return data;
  return { ...data, embeds: [{ ...first, description: clip(`${note}\n\n${first.description ?? ''}`.trim(), 4096) }, ...rest] };
}

const joined = (...notes: (string | undefined)[]) => notes.filter(Boolean).join('\n');

/** A product the shop no longer sells to this customer (inactive, behind a role, another currency): the line goes. */
const PRODUCT_REFUSALS = new Set(['NOT_FOUND', 'ROLE_REQUIRED', 'CURRENCY_MISMATCH']);

/**
 * The way on when review or submit refuses what the session holds because the shop changed it since it was chosen
 * (selection-rules.ts): otherwise /order resumed into the same refusal each time, with nothing to press, since the
 * flow has no screen to take a line out or to change a shipping option or payment method already chosen.
 * - a line with fewer units left than it holds is lowered to what is left, or taken out when none is;
 * - a line the shop no longer sells to them (inactive, behind a role, another currency) is taken out;
 * then the next screen (the review again, with its new total to confirm, or the product menu) says what was done;
 * - a shipping option or payment method no longer offered: its menu again, saying why.
 * Undefined for any other error. The session service checks each change again in its own transaction.
 */
async function screenPastRefusal(ctx: HandlerContext, session: SessionView, err: unknown, note?: string): Promise<MessageData | undefined> {
  if (!isAppError(err)) return undefined;
  const details = err.details ?? {};
  const sessions = ctx.services.orderSessions;
  const customer = await ctx.customer();
  const line = session.items.find((i) => i.productId === details.productId);
  const short = stockShortfall(err);
  if (line && short) {
    if (short.available === 0) {
      const next = await sessions.removeItem(ctx.tenant.id, customer.id, line.productId);
      return nextScreen(ctx, next, joined(note, `${short.name} is sold out now, so it was taken out of your order.`));
    }
    const next = await sessions.setItem(ctx.tenant.id, customer.id, {
      productId: line.productId,
      quantity: short.available,
      memberRoleIds: ctx.memberRoleIds,
    });
    return nextScreen(ctx, next, joined(note, `Only ${short.available} of ${short.name} left now, so your order has ${short.available}.`));
  }
  if (line && PRODUCT_REFUSALS.has(err.code)) {
    const next = await sessions.removeItem(ctx.tenant.id, customer.id, line.productId);
    const said =
      typeof details.whatChanged === 'string'
        ? `${details.whatChanged}, so it was taken out of your order.`
        : `${err.message} It was taken out of your order.`;
    return nextScreen(ctx, next, joined(note, said));
  }
  if (typeof details.shippingTypeId === 'string' && session.address) {
    const types = await sessions.shippingChoices(ctx.tenant.id, customer.id);
    if (types.length) return noted(shippingStep(session.address as AddressLike, types, session.currency), joined(note, err.message));
    // The shop's last option for this cart was withdrawn: nothing to choose, so the order goes on without one.
    const next = await sessions.dropWithdrawnShipping(ctx.tenant.id, customer.id);
    if (!next.shippingType) {
      const name = session.shippingType?.name;
      const said = `${name ? `${name} shipping` : 'The shipping option you chose'} is no longer offered, and the shop has no other for this order, so it ships without one.`;
      return nextScreen(ctx, next, joined(note, said));
    }
  }
  if (err.code === 'PAYMENT_METHOD_NOT_ENABLED') {
    return noted(paymentStep(await sessions.paymentChoices(ctx.tenant.id, customer.id)), joined(note, err.message));
  }
  return undefined;
}

/**
 * For Confirm: the same way on when submit refused the session's selections, under "Your order changed since you
 * reviewed it". Undefined for any other error, or without an open session.
 */
export async function screenPastSubmitRefusal(ctx: HandlerContext, err: unknown): Promise<MessageData | undefined> {
  if (!isAppError(err)) return undefined;
  const customer = await ctx.customer();
  const session = await ctx.services.orderSessions.getActive(ctx.tenant.id, customer.id);
  return session ? screenPastRefusal(ctx, session, err, '**Your order changed since you reviewed it:**') : undefined;
}

/** The line an OUT_OF_STOCK error names, when it asked for more than is left. */
function stockShortfall(err: unknown): { productId: string; name: string; available: number } | undefined {
  if (!isAppError(err) || err.code !== 'OUT_OF_STOCK') return undefined;
  const { productId, name, available, requested } = err.details ?? {};
  if (typeof productId !== 'string' || typeof available !== 'number' || typeof requested !== 'number') return undefined;
  if (available >= requested) return undefined;
  return { productId, name: typeof name === 'string' ? name : 'A product', available: Math.max(0, available) };
}

/**
 * Places the customer's order only at what they reviewed (`fingerprint`: the review the click came from).
 * When the order changed since (a price, the discount, the tax, a selection), nothing is placed: the new
 * review is shown with what changed, and the customer is asked again.
 */
export async function submitReviewed(
  ctx: HandlerContext,
  fingerprint: string | undefined,
  placed: (order: SubmitResult['order'], created: boolean) => MessageData | Promise<MessageData>,
  again: string,
): Promise<MessageData> {
  const customer = await ctx.customer();
  try {
    const { order, created } = await ctx.services.orders.submit(ctx.tenant.id, customer.id, {
      memberRoleIds: ctx.memberRoleIds,
      reviewed: { fingerprint },
      shownIn: flowMessageKeys(ctx),
    });
    return await placed(order, created);
  } catch (err) {
    if (!isAppError(err) || err.code !== 'QUOTE_CHANGED') throw err;
    const changes = Array.isArray(err.details?.changes) ? (err.details.changes as string[]) : [];
    const quote = await ctx.services.orderSessions.review(ctx.tenant.id, customer.id);
    const head =
      err.details?.reviewed === false
        ? 'Here is your order with its total. Check it before placing it.'
        : `**Your order changed since you reviewed it:**\n${changes.length ? changes.map((c) => `• ${c}`).join('\n') : '• The review you confirmed is not the latest one.'}`;
    return reviewStep(quote, ctx.tenant, head, again);
  }
}
