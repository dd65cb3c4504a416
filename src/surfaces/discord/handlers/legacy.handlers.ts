// The legacy slash-command flow (spec 004), kept for back-compat and hidden from /help by default. Same
// session service and state machine as /order: /register and /order-start (start or resume, with a
// "Browse products" button), /product-list (Add buttons), /order-item, /order-shipping (saved addresses:
// select, confirm, edit or add; otherwise a modal), /order-payment, /order-submit. Permissions: any member
// of a linked guild; every step acts on the caller's own session (the session owner), never on an id.
import { ButtonStyle } from 'discord-api-types/v10';
import { z } from 'zod';
import { PaymentMethod, type Product, type ShippingType } from '../../../generated/prisma/index.js';
import { AppError, isAppError } from '../../../platform/errors.js';
import { formatMoney } from '../../../platform/money.js';
import { parseInput } from '../../../platform/validate.js';
import {
  ADDRESS_MAX_LENGTH,
  addressProblemsError,
  checkAddressInput,
  type AddressInput,
} from '../../../modules/customers/address.schema.js';
import type { CommandRoutes, ComponentRoutes, HandlerContext, Reply } from '../context.js';
import { displayName } from '../context.js';
import { customId } from '../custom-id.js';
import { commandOptions, selectedValues } from '../interaction-data.js';
import { button, clip, COLORS, embed, ephemeral, row, select, update, type MessageData, type Row } from '../replies.js';
import {
  addressModal,
  addressOnOneLine,
  formatAddress,
  reviewStep,
  savedAddressShown,
  sessionStepWords,
  shippingStep,
  type AddressLike,
} from '../views/order-steps.view.js';
import { submittedMessage } from './order-self-service.handlers.js';
import { addressFromModal, askRecipientName, keepTypedAddress, reopenAddressModal, savedAddressModal } from './order.handlers.js';
import { orderableProduct, quantityModalFor, submitReviewed } from './order-flow.js';
import { countWords } from '../../../platform/count-words.js';
import { paymentMethodLabel } from '../views/payment-methods.view.js';

const PER_PAGE = 5; // one row of Add buttons per page
const DESCRIPTION_MAX = 4096; // an embed's description (shared/docs/discord.md)

function info(title: string, description: string, components: Row[] = []): MessageData {
  return { embeds: [embed({ title, description, color: COLORS.brand })], components };
}

async function start(ctx: HandlerContext): Promise<Reply> {
  const customer = await ctx.customer();
  const { session, resumed } = await ctx.services.orderSessions.start(ctx.tenant.id, customer.id, { guildId: ctx.guildId });
  // An address but no shipping option while the cart may take one: the order is at the shipping step (sessionStepWords).
  const shippingToChoose =
    resumed &&
    !!session.address &&
    !session.shippingType &&
    (await ctx.services.orderSessions.shippingChoices(ctx.tenant.id, customer.id)).length > 0;
  const where = resumed
    ? `You already have an order in progress: ${countWords(session.items.length, 'item')}, ${sessionStepWords(session.state, { shippingToChoose })}.${shippingToChoose ? ' Choose how it ships with the `shipping` option of `/order-shipping`.' : ''}`
    : 'Your order session is open.';
  return ephemeral(
    info(
      resumed ? 'Order session resumed' : 'Order session started',
      `${where}\nBrowse the products and add what you want; sessions expire after 30 minutes without activity.`,
      [row(button(customId('legacy:browse', 0), 'Browse products', ButtonStyle.Primary))],
    ),
  );
}

function productList(products: Product[], page: number): MessageData {
  if (!products.length) return info('Products', 'No products are available to you right now.');
  const pages = Math.ceil(products.length / PER_PAGE);
  const p = Math.min(Math.max(page, 0), pages - 1);
  const slice = products.slice(p * PER_PAGE, (p + 1) * PER_PAGE);
  // The page's products share one description (Discord's 4096 characters): each product's name, price and id always
  // show, and its own description gets an equal share of the rest, shortened from its end when long.
  const heads = slice.map((x) => `**${x.name}** · ${formatMoney(x.unitPriceCents, x.currency)} · \`${x.id}\``);
  const described = slice.filter((x) => x.description).length;
  const rest = DESCRIPTION_MAX - heads.reduce((n, h) => n + h.length, 0) - 2 * (slice.length - 1) - described;
  const share = described ? Math.floor(rest / described) : 0;
  const description = slice.map((x, i) => `${heads[i]}${x.description ? `\n${clip(x.description, share)}` : ''}`).join('\n\n');
  const components: Row[] = [row(...slice.map((x) => button(customId('legacy:add', x.id), `Add ${x.name}`, ButtonStyle.Primary)))];
  if (pages > 1) {
    components.push(
      row(
        button(customId('legacy:browse', Math.max(p - 1, 0)), 'Previous', ButtonStyle.Secondary, p === 0),
        button(
          customId('legacy:browse', Math.min(p + 1, pages - 1)),
          `Next (page ${p + 1} of ${pages})`,
          ButtonStyle.Secondary,
          p >= pages - 1,
        ),
      ),
    );
  }
  return info('Products', description, components);
}

const listVisible = (ctx: HandlerContext) => ctx.services.catalog.listProducts(ctx.tenant.id, { memberRoleIds: ctx.memberRoleIds });

const orderItemOptions = z.object({
  productid: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  sku: z.string().trim().min(1).max(100),
  quantity: z.number().int().min(1).max(999),
  unitpricecents: z.number().int().min(0),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, 'a 3-letter currency code such as USD')
    .transform((c) => c.toUpperCase()),
});

/** The /order-shipping option that fills each address field. */
const ADDRESS_OPTIONS: Record<string, string> = {
  name: 'name',
  line1: 'street',
  line2: 'line2',
  city: 'city',
  state: 'state',
  postalCode: 'zip',
  country: 'country',
};

/**
 * /order-shipping's address options, checked with the address rules every surface shares. A refusal says
 * what is wrong in the rules' sentences, then which options to correct: the slash command's own names.
 */
function addressFromOptions(ctx: HandlerContext, o: Record<string, unknown>): { address: AddressInput; nameFromDiscord: boolean } {
  const nameFromDiscord = !(typeof o.name === 'string' && o.name.trim());
  const checked = checkAddressInput({
    name: (typeof o.name === 'string' && o.name.trim()) || displayName(ctx.user).slice(0, ADDRESS_MAX_LENGTH.name),
    line1: o.street ?? '',
    line2: o.line2,
    city: o.city ?? '',
    state: o.state,
    postalCode: o.zip ?? '',
    country: o.country ?? '',
  });
  if (checked.ok) return { address: checked.address, nameFromDiscord };
  const options = [...new Set(checked.problems.map((p) => ADDRESS_OPTIONS[p.field] ?? p.field))];
  const named = options.length > 1 ? `${options.slice(0, -1).join(', ')} and ${options.at(-1)} options` : `${options[0]} option`;
  const error = addressProblemsError(checked.problems);
  throw new AppError('VALIDATION_FAILED', `${error.message} Correct the ${named} of \`/order-shipping\`.`, error.details);
}

/** Under an address /order-shipping took without its `name` option, when the recipient is the Discord name. */
const RECIPIENT_FROM_DISCORD =
  'The recipient is your Discord name, as no `name` was given: to ship to someone else, run `/order-shipping` again with the `name` option.';

/**
 * After the address, the shipping type (spec 004's sequence goes straight on to /order-payment): already
 * chosen (the `shipping` option), or the shop's only one taken as the default, or, when the shop has
 * several and none was given, the rich flow's shipping select. A shop without shipping types skips it.
 */
async function afterAddress(
  ctx: HandlerContext,
  address: AddressLike,
  asUpdate = false,
  chosen: { name: string } | null = null,
  nameFromDiscord = false,
  title = 'Address saved',
): Promise<Reply> {
  let shipping = chosen;
  let data: MessageData | null = null;
  if (!shipping) {
    // The types this cart may take (a digital-only one only for a cart of digital items).
    const customer = await ctx.customer();
    const types = await ctx.services.orderSessions.shippingChoices(ctx.tenant.id, customer.id);
    if (types.length === 1) {
      await ctx.services.orderSessions.setShippingType(ctx.tenant.id, customer.id, types[0]!.id);
      shipping = types[0]!;
    } else if (types.length > 1)
      data = shippingStep(address, types, ctx.tenant.currency, nameFromDiscord ? RECIPIENT_FROM_DISCORD : undefined);
  }
  data ??= info(
    title,
    `Shipping to:\n${formatAddress(address)}${shipping ? `\nShipping: ${shipping.name}` : ''}${nameFromDiscord ? `\n\n${RECIPIENT_FROM_DISCORD}` : ''}\n\nNext: \`/order-payment\`.`,
  );
  return asUpdate ? update(data) : ephemeral(data);
}

/** "Ship to this address?": the saved address as shown (savedAddressShown); Confirm asks for a name not typed yet. */
function confirmText(chosen: Parameters<typeof savedAddressShown>[0]): string {
  const shown = savedAddressShown(chosen);
  return `${formatAddress(shown)}${shown.name ? '' : "\n\nConfirm asks for the recipient's name first."}`;
}

/** The shop's active shipping type the option names: its id (what autocomplete sends) or its name as typed. */
async function shippingTypeOption(ctx: HandlerContext, value: string): Promise<ShippingType> {
  const types = await ctx.services.catalog.listShippingTypes(ctx.tenant.id);
  const v = value.trim().toLowerCase();
  const found = types.find((t) => t.id === value.trim()) ?? types.find((t) => t.name.trim().toLowerCase() === v);
  if (!found) {
    throw new AppError(
      'NOT_FOUND',
      `"${value}" is not a shipping option of this shop.${types.length ? ` Choose one of: ${types.map((t) => t.name).join(', ')}.` : ''}`,
    );
  }
  return found;
}

export const legacyCommands: CommandRoutes = {
  register: { run: start },
  'order-start': { run: start },
  'product-list': { run: async (ctx) => ephemeral(productList(await listVisible(ctx), 0)) },
  'order-item': {
    async run(ctx) {
      const o = parseInput(orderItemOptions, commandOptions(ctx.interaction), 'options');
      // A product this member may not see (off sale, or behind a role they lack) is "not available to you", as in the
      // rest of the flow: the comparison below would otherwise tell them its name, SKU and price.
      const product = await orderableProduct(ctx, o.productid);
      // The catalog is the authority: a customer never sets their own price or names another product.
      const mismatches = [
        o.name !== product.name && `name is "${product.name}"`,
        o.sku !== product.sku && `sku is "${product.sku}"`,
        o.unitpricecents !== product.unitPriceCents && `unitPriceCents is ${product.unitPriceCents}`,
        o.currency !== product.currency && `currency is ${product.currency}`,
      ].filter(Boolean);
      if (mismatches.length) {
        throw new AppError(
          'VALIDATION_FAILED',
          `These fields do not match the catalog for ${o.productid}: ${mismatches.join(', ')}. Prices come from the catalog; use /product-list to see them.`,
        );
      }
      const customer = await ctx.customer();
      const { session: before } = await ctx.services.orderSessions.start(ctx.tenant.id, customer.id, { guildId: ctx.guildId });
      const session = await ctx.services.orderSessions.setItem(ctx.tenant.id, customer.id, {
        productId: product.id,
        quantity: o.quantity,
        memberRoleIds: ctx.memberRoleIds,
      });
      const lines = session.items.map((i) => `• ${i.quantity} × ${i.name} — ${formatMoney(i.lineTotalCents, session.currency)}`).join('\n');
      // The quantity replaces the line's (as the quantity modal's): a product already in the order is not "added" again.
      const had = before.items.find((i) => i.productId === product.id)?.quantity ?? 0;
      const title = had === 0 ? 'Item added' : had === o.quantity ? 'Quantity unchanged' : 'Quantity changed';
      const change =
        had === 0
          ? ''
          : `Your order had ${had} × ${product.name}; it now has ${o.quantity}. \`/order-item\` sets how many of a product you order: give the total you want.\n\n`;
      return ephemeral(
        info(title, `${change}${lines}\n\nSubtotal: ${formatMoney(session.subtotalCents, session.currency)}\nNext: \`/order-shipping\`.`),
      );
    },
  },
  'order-shipping': {
    async autocomplete({ services, tenant, user, focused }) {
      if (focused.name !== 'shipping') return [];
      const typed = focused.value.trim().toLowerCase();
      // What the shipping menu offers the caller's open order (selection-rules.ts shippingChoices: a digital-only
      // type only while every line is digital); without an open order, every active type (an empty cart's).
      const types = await services.orderSessions.shippingChoicesForMember(tenant.id, user.id);
      return types
        .filter((t) => !typed || t.name.toLowerCase().includes(typed))
        .slice(0, 25)
        .map((t) => ({ name: `${t.name} · ${formatMoney(t.priceCents, tenant.currency)}`, value: t.id }));
    },
    async run(ctx) {
      const { shipping: shippingValue, ...raw } = commandOptions(ctx.interaction);
      const customer = await ctx.customer();
      const session = await ctx.services.orderSessions.getActive(ctx.tenant.id, customer.id);
      if (!session) throw new AppError('NOT_FOUND', 'You have no order in progress: start one with /order-start.');
      if (session.items.length === 0)
        throw new AppError('ILLEGAL_STATE', 'Add an item before the shipping address (/order-item or /product-list).');
      // Both options are checked before either is written: a refused address must not leave the shipping
      // option set on the session (a refusal writes nothing).
      const shipping = shippingValue !== undefined ? await shippingTypeOption(ctx, String(shippingValue)) : null;
      const input = Object.keys(raw).length > 0 ? addressFromOptions(ctx, raw) : null;
      if (shipping) await ctx.services.orderSessions.setShippingType(ctx.tenant.id, customer.id, shipping.id);
      if (input) {
        const set = await ctx.services.orderSessions.setAddress(ctx.tenant.id, customer.id, input);
        const shown = set.address ?? input.address;
        // A name typed before at the same address stays (refreshNameSql): then the recipient is not the Discord name.
        const fromDiscord = input.nameFromDiscord && shown.name === input.address.name;
        return afterAddress(ctx, shown, false, shipping, fromDiscord);
      }
      // Only the shipping option, on an order that has its address: the choice is confirmed and the order goes on to
      // payment (it was answered with the saved-address picker, as if the address were still to give).
      if (shipping && session.address) return afterAddress(ctx, session.address, false, shipping, false, 'Shipping saved');
      const addresses = await ctx.services.customers.listAddresses(ctx.tenant.id, customer.id);
      if (!addresses.length) return addressModal(customId('legacy:address-modal'));
      return ephemeral(
        info('Shipping address', 'Pick a saved address, or add a new one.', [
          select(
            customId('legacy:address-select'),
            'Saved addresses',
            addresses
              .slice(0, 25)
              .map((a) => ({ label: `${a.line1}, ${a.city}`, value: a.id, description: addressOnOneLine(savedAddressShown(a)) })),
          ),
          row(button(customId('legacy:address-new'), 'Add new address', ButtonStyle.Primary)),
        ]),
      );
    },
  },
  'order-payment': {
    // It answers with the review, which may compute tax.
    deferIf: (ctx) => ctx.tenant.taxjarEnabled,
    async run(ctx) {
      const { paymentmethod: paymentMethod } = parseInput(
        z.object({ paymentmethod: z.enum(PaymentMethod) }),
        commandOptions(ctx.interaction),
        'options',
      );
      const customer = await ctx.customer();
      try {
        await ctx.services.orderSessions.setPaymentMethod(ctx.tenant.id, customer.id, paymentMethod);
      } catch (err) {
        // A method the shop does not offer (here): the refusal lists the ones it does, in the menu's words.
        if (!isAppError(err) || err.code !== 'PAYMENT_METHOD_NOT_ENABLED') throw err;
        const offered = await ctx.services.orderSessions.paymentChoices(ctx.tenant.id, customer.id);
        throw new AppError(err.code, err.message, { ...err.details, offered: offered.map(paymentMethodLabel) });
      }
      // The review (with its total) is what /order-submit places: the customer sees the amount first.
      const quote = await ctx.services.orderSessions.review(ctx.tenant.id, customer.id);
      return ephemeral(
        reviewStep(
          quote,
          ctx.tenant,
          'Payment method set. Your order is ready: run `/order-submit` (or click **Confirm & submit**) to place it at these amounts.',
        ),
      );
    },
  },
  'order-submit': {
    deferIf: (ctx) => ctx.tenant.taxjarEnabled,
    async run(ctx) {
      return ephemeral(
        await submitReviewed(
          ctx,
          undefined,
          (order, created) => submittedMessage(ctx, order, created),
          'Run `/order-submit` again (or click **Confirm & submit**) to place it at these amounts.',
        ),
      );
    },
  },
};

export const legacyComponents: ComponentRoutes = {
  // Routes that only show something (a page, a modal) are showsOnly, as their /order twins: no claim, no customer row,
  // nothing written before a modal, and a redelivered click shows it again.
  'legacy:browse': { kind: 'component', showsOnly: true, run: async (ctx, [page]) => update(productList(await listVisible(ctx), page)) },
  'legacy:add': {
    kind: 'component',
    showsOnly: true,
    async run(ctx, [productId]) {
      return quantityModalFor(ctx, productId);
    },
  },
  'legacy:address-select': {
    kind: 'component',
    async run(ctx) {
      const [addressId] = parseInput(
        z.tuple([z.string().regex(/^adr_[A-Za-z0-9]{1,60}$/, 'a saved address')]),
        selectedValues(ctx.interaction),
        'address',
      );
      const customer = await ctx.customer();
      const chosen = (await ctx.services.customers.listAddresses(ctx.tenant.id, customer.id)).find((a) => a.id === addressId);
      if (!chosen) throw new AppError('NOT_FOUND', 'That address is not one of your saved addresses.');
      return update(
        info('Ship to this address?', confirmText(chosen), [
          row(
            button(customId('legacy:address-confirm', chosen.id), 'Confirm', ButtonStyle.Success),
            button(customId('legacy:address-edit', chosen.id), 'Edit'),
            button(customId('legacy:address-new'), 'Add new address'),
          ),
        ]),
      );
    },
  },
  'legacy:address-confirm': {
    kind: 'component',
    async run(ctx, [addressId]) {
      const customer = await ctx.customer();
      let session;
      try {
        session = await ctx.services.orderSessions.setAddress(ctx.tenant.id, customer.id, { addressId });
      } catch (err) {
        return askRecipientName(ctx, customer.id, addressId, customId('legacy:address-modal'), err);
      }
      return afterAddress(ctx, session.address!, true, session.shippingType);
    },
  },
  'legacy:address-edit': {
    kind: 'component',
    async run(ctx, [addressId]) {
      const customer = await ctx.customer();
      const chosen = (await ctx.services.customers.listAddresses(ctx.tenant.id, customer.id)).find((a) => a.id === addressId);
      if (!chosen) throw new AppError('NOT_FOUND', 'That address is not one of your saved addresses.');
      // An edit saves a new address (orders keep a snapshot; older orders are not rewritten).
      return savedAddressModal(customId('legacy:address-modal'), chosen);
    },
  },
  'legacy:address-new': { kind: 'component', showsOnly: true, run: async () => addressModal(customId('legacy:address-modal')) },
  'legacy:address-modal': {
    kind: 'modal',
    async run(ctx) {
      const fromMessage = Boolean('message' in ctx.interaction && ctx.interaction.message);
      return keepTypedAddress(
        ctx,
        customId('legacy:address-retry'),
        (data) => (fromMessage ? update(data) : ephemeral(data)),
        async () => {
          const input = addressFromModal(ctx);
          const customer = await ctx.customer();
          const session = await ctx.services.orderSessions.setAddress(ctx.tenant.id, customer.id, input);
          return afterAddress(ctx, session.address ?? input.address, fromMessage, session.shippingType);
        },
      );
    },
  },
  'legacy:address-retry': {
    kind: 'component',
    showsOnly: true,
    run: async (ctx) => reopenAddressModal(ctx, customId('legacy:address-modal')),
  },
};
