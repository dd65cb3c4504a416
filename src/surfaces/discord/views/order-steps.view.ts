// The rich /order flow's screens (spec 001): pure functions from data to message payloads, so the handlers
// stay thin and every screen respects Discord's limits (25 options per select, 5 rows, 5 text inputs).
import { ButtonStyle, TextInputStyle, type APIEmbed } from 'discord-api-types/v10';
import type { OrderSessionState, PaymentMethod, Product, ShippingType, Tenant } from '../../../generated/prisma/index.js';
import { formatMoney } from '../../../platform/money.js';
import { customId } from '../custom-id.js';
import {
  button,
  clip,
  COLORS,
  embed,
  embedChars,
  MESSAGE_EMBED_CHARS_MAX,
  modal,
  row,
  select,
  type MessageData,
  type Row,
} from '../replies.js';
import { paymentMethodLabel, paymentInstructionsText } from './payment-methods.view.js';
import { FIELD_VALUE_MAX, itemFields, itemLineText, leastItemFieldsChars, withItemFields, type ItemLine } from './item-fields.view.js';
import { isProcessorMethod } from '../../../modules/payments-processor/connections/provider-definitions.js';
import { inStock, MAX_LINE_QUANTITY } from '../../../modules/checkout/index.js';
import { ADDRESS_MAX_LENGTH } from '../../../modules/customers/address.schema.js';
import { hasTypedRecipient, type SavedAddress } from '../../../modules/customers/address.store.js';
import { addressLines, type AddressParts } from '../../../modules/customers/address-lines.js';
import { asTyped } from './typed-text.js';
import { countWords } from '../../../platform/count-words.js';

export const PRODUCTS_PER_PAGE = 25;

/** The /order flow's steps as a customer reads them: each screen's title, and where /order-start says an order stands. */
export const ORDER_STEPS = {
  product: '1. Product',
  address: '2. Shipping address',
  shipping: '3. Shipping',
  payment: '4. Payment',
  review: '5. Review',
} as const;
const stepTitle = (step: keyof typeof ORDER_STEPS) => `New order · ${ORDER_STEPS[step]}`;

/** Where an order session stands in the steps' words ("at step 2. Shipping address"): its state's name is not for customers. */
const STEP_OF_STATE: Record<OrderSessionState, string> = {
  COLLECTING_ITEMS: `at step ${ORDER_STEPS.product}`,
  COLLECTING_SHIPPING: `at step ${ORDER_STEPS.address}`,
  SELECTING_PAYMENT: `at step ${ORDER_STEPS.payment}`,
  READY_TO_SUBMIT: `at step ${ORDER_STEPS.review}`,
  SUBMITTED: 'submitted',
};
/**
 * `shippingToChoose`: the session has its address but no shipping option, and the shop has one its cart may take (an
 * order begun before the shop had shipping options, or one whose options were offered but not picked). Its state
 * derives from the address and payment method only, so it says the payment step; the customer is at shipping still.
 */
export function sessionStepWords(state: OrderSessionState, opts: { shippingToChoose?: boolean } = {}): string {
  if (opts.shippingToChoose && (state === 'SELECTING_PAYMENT' || state === 'READY_TO_SUBMIT')) return `at step ${ORDER_STEPS.shipping}`;
  return STEP_OF_STATE[state];
}

export type AddressLike = AddressParts;

/**
 * The longest an address reads unescaped: every part at its longest (address.schema.ts), laid out by addressLines
 * itself. The messages that show an address were sized for it.
 */
const ADDRESS_TEXT_MAX = addressLines({
  name: 'n'.repeat(ADDRESS_MAX_LENGTH.name),
  line1: 'n'.repeat(ADDRESS_MAX_LENGTH.line1),
  line2: 'n'.repeat(ADDRESS_MAX_LENGTH.line2),
  city: 'n'.repeat(ADDRESS_MAX_LENGTH.city),
  state: 'n'.repeat(ADDRESS_MAX_LENGTH.state),
  postalCode: 'n'.repeat(ADDRESS_MAX_LENGTH.postalCode),
  country: 'US',
}).join('\n').length;

/**
 * The address as it reads everywhere (modules/customers/address-lines.ts), one line each, for a message or an embed:
 * each line as the customer typed it, Discord's markdown escaped (typed-text.ts). Escaping lengthens it; an address
 * of markdown characters is clipped to the longest unescaped one, so no message outgrows the room it was sized for.
 */
export function formatAddress(a: AddressLike): string {
  return clip(addressLines(a).map(asTyped).join('\n'), ADDRESS_TEXT_MAX);
}

/** The address on one line, for plain text (a select option's description, which renders no markdown). */
export function addressOnOneLine(a: AddressLike): string {
  return addressLines(a).join(', ');
}

/**
 * A saved address as the customer is shown it: its recipient name only when they typed it (address.store.ts
 * hasTypedRecipient). A name the old address form filled in from Discord is not who the parcel goes to: picking
 * that address asks for the name first, so it is neither listed as the recipient nor filled into the form.
 */
export function savedAddressShown<T extends AddressLike & { nameTyped: boolean }>(a: T): T {
  return hasTypedRecipient({ name: a.name ?? null, nameTyped: a.nameTyped }) ? a : { ...a, name: null };
}

const cancelButton = () => button(customId('order:cancel'), 'Cancel order', ButtonStyle.Danger);

/**
 * Step 1. More than 25 products are paginated with Previous/Next: nothing is dropped. A select option
 * cannot be disabled, so an out-of-stock product says so in its label and description (and picking it
 * answers "out of stock" instead of asking for a quantity).
 */
export function productStep(products: Product[], page: number, note?: string, tenant?: { inventoryTracking: boolean }): MessageData {
  if (products.length === 0) {
    return {
      embeds: [
        embed({
          title: 'Nothing to order right now',
          description: 'This shop has no products you can buy at the moment.',
          color: COLORS.warn,
        }),
      ],
      components: [row(cancelButton())],
    };
  }
  const pages = Math.ceil(products.length / PRODUCTS_PER_PAGE);
  const p = Math.min(Math.max(page, 0), pages - 1);
  const slice = products.slice(p * PRODUCTS_PER_PAGE, (p + 1) * PRODUCTS_PER_PAGE);
  const components: Row[] = [
    select(
      customId('order:product-select'),
      'Choose a product',
      slice.map((prod) => {
        const sold = tenant ? !inStock(tenant, prod) : false;
        return {
          label: sold ? `${prod.name} (out of stock)` : prod.name,
          value: prod.id,
          description: `${sold ? 'Out of stock · ' : ''}${formatMoney(prod.unitPriceCents, prod.currency)}${prod.description ? ` · ${prod.description}` : ''}`,
        };
      }),
    ),
  ];
  const nav = [];
  if (pages > 1) {
    nav.push(button(customId('order:products', Math.max(p - 1, 0)), 'Previous', ButtonStyle.Secondary, p === 0));
    nav.push(button(customId('order:products', Math.min(p + 1, pages - 1)), 'Next', ButtonStyle.Secondary, p >= pages - 1));
  }
  nav.push(cancelButton());
  components.push(row(...nav));
  const description = [
    note,
    'Pick a product; you will choose the quantity next.',
    pages > 1 ? `Page ${p + 1} of ${pages} · ${products.length} products` : undefined,
  ]
    .filter(Boolean)
    .join('\n\n');
  return { embeds: [embed({ title: stepTitle('product'), description, color: COLORS.brand })], components };
}

/**
 * Step 2: the quantity modal for one product. What it sends replaces the line's quantity, so a product already in
 * the order (`inOrder` units) opens at that quantity and says so; any other at 1.
 */
export function quantityModal(product: Product, inOrder = 0) {
  const price = formatMoney(product.unitPriceCents, product.currency);
  return modal(customId('order:qty-modal', product.id), `Quantity · ${product.name}`, [
    {
      id: 'quantity',
      label: inOrder > 0 ? `How many in all? (now ${inOrder}, ${price} each)` : `How many? (${price} each)`,
      value: String(inOrder > 0 ? inOrder : 1),
      minLength: 1,
      maxLength: String(MAX_LINE_QUANTITY).length,
      placeholder: '1',
    },
  ]);
}

export interface CartLine {
  name: string;
  quantity: number;
  unitPriceCents: number;
}

/** Discord's limit on an embed's description (shared/docs/discord.md). */
const DESCRIPTION_MAX = 4096;

/**
 * The cart, a line each, in at most `room` characters: whole lines in the order given, and when they do not all fit,
 * as many as do and a last line counting the rest (never a line cut in the middle, nor one left out without saying).
 */
export function cartSummary(lines: CartLine[], currency: string, room = DESCRIPTION_MAX): string {
  const all = lines.map((l) => `• ${l.quantity} × ${l.name} — ${formatMoney(l.quantity * l.unitPriceCents, currency)}`);
  if (all.length === 0) return '(empty)';
  const rest = (hidden: number, shown: number) => (shown ? `and ${countWords(hidden, 'more item')}` : countWords(hidden, 'item'));
  return linesWithin(all, room, 0, rest) ?? clip(countWords(all.length, 'item'), room);
}

/**
 * `lines` whole in `room` characters (with `after` behind them): all of them, else the most that fit, at least `least`,
 * and a line counting the rest (`rest(hidden, shown)`); undefined when not even `least` fit. The one rule of a list cut
 * to Discord's room: the address step's cart (cartSummary) and the review's note (fittedNote).
 */
function linesWithin(
  lines: readonly string[],
  room: number,
  least: number,
  rest: (hidden: number, shown: number) => string,
  after = '',
): string | undefined {
  for (let shown = lines.length; shown >= least; shown--) {
    const hidden = lines.length - shown;
    const text = `${[...lines.slice(0, shown), ...(hidden ? [rest(hidden, shown)] : [])].join('\n')}${after}`;
    if (text.length <= room) return text;
  }
  return undefined;
}

/**
 * Step 3: saved addresses (most recent first) and an "Enter new address" button. `note`: what the flow says first
 * ("Your order now has …"), within the description's room with the cart and the instruction.
 */
export function addressStep(lines: CartLine[], currency: string, addresses: readonly SavedAddress[], note?: string): MessageData {
  const ask = addresses.length ? 'Pick a saved address or enter a new one.' : 'Enter the address to ship to.';
  const said = note ? clip(note, DESCRIPTION_MAX / 2) : undefined;
  const room = DESCRIPTION_MAX - ask.length - 2 - (said ? said.length + 2 : 0);
  const components: Row[] = [];
  if (addresses.length) {
    components.push(
      select(
        customId('order:use-existing'),
        'Ship to a saved address',
        addresses
          .slice(0, 25)
          .map((a) => ({ label: `${a.line1}, ${a.city}`, value: a.id, description: addressOnOneLine(savedAddressShown(a)) })),
      ),
    );
  }
  components.push(
    row(
      button(customId('order:address:new'), 'Enter new address', ButtonStyle.Primary),
      button(customId('order:products', 0), 'Add another product'),
      cancelButton(),
    ),
  );
  return {
    embeds: [
      embed({
        title: stepTitle('address'),
        description: [said, cartSummary(lines, currency, room), ask].filter(Boolean).join('\n\n'),
        color: COLORS.brand,
      }),
    ],
    components,
  };
}

/**
 * The address modal's inputs, by id, with the label each shows (also the field names of addressRetryStep).
 * Discord allows five: the recipient's full name first, then the street with its optional second line (apartment,
 * suite) in one two-line input, as an address is written on a parcel; the postal code shares one with the country.
 */
export const ADDRESS_INPUTS = [
  ['name', 'Full name (who receives the parcel)'],
  ['street', 'Street address (2nd line: apt, suite)'],
  ['city', 'City'],
  ['state', 'State / region (optional)'],
  ['postal_country', 'Postal code and country (2 letters)'],
] as const;
export type TypedAddress = Partial<Record<(typeof ADDRESS_INPUTS)[number][0], string>>;

/** Step 3a: the new-address modal (5 inputs: Discord's maximum), prefilled from an address or from what was typed. */
export function addressModal(customIdValue: string, prefill?: AddressLike, typed?: TypedAddress) {
  const v: TypedAddress =
    typed ??
    (prefill
      ? {
          name: prefill.name ?? undefined,
          street: [prefill.line1, prefill.line2].filter(Boolean).join('\n'),
          city: prefill.city,
          state: prefill.state ?? undefined,
          postal_country: `${prefill.postalCode} ${prefill.country}`,
        }
      : {});
  const [name, street, city, state, pc] = ADDRESS_INPUTS;
  return modal(customIdValue, 'Shipping address', [
    { id: name[0], label: name[1], maxLength: ADDRESS_MAX_LENGTH.name, value: v.name || undefined, placeholder: 'Jane Doe' },
    {
      id: street[0],
      label: street[1],
      // Two lines: the street, then the apartment or suite (each within its own limit, and the line break).
      maxLength: ADDRESS_MAX_LENGTH.line1 + 1 + ADDRESS_MAX_LENGTH.line2,
      value: v.street || undefined,
      placeholder: '123 Main St\nApt 4B',
      style: TextInputStyle.Paragraph,
    },
    { id: city[0], label: city[1], maxLength: ADDRESS_MAX_LENGTH.city, value: v.city || undefined },
    { id: state[0], label: state[1], required: false, maxLength: ADDRESS_MAX_LENGTH.state, value: v.state || undefined },
    // "<postal code> <country>": the code's limit, a separator and the two letters.
    {
      id: pc[0],
      label: pc[1],
      maxLength: ADDRESS_MAX_LENGTH.postalCode + 3,
      placeholder: '62701 US',
      value: v.postal_country || undefined,
      style: TextInputStyle.Short,
    },
  ]);
}

const EMPTY = '—';

/**
 * A refused address: what was wrong, what was typed (one field per input), and a button that opens the
 * form again filled with it. A modal cannot answer a modal, so the button is the way back; what was
 * typed travels in this message, which Discord sends back with the click (addressTypedFrom).
 */
export function addressRetryStep(problem: string, typed: TypedAddress, retryId: string): MessageData {
  return {
    embeds: [
      embed({
        title: 'Please check the address',
        description: `${problem}\n\nClick **Fix the address** to correct it; what you typed is kept.`,
        color: COLORS.warn,
        fields: ADDRESS_INPUTS.map(([id, label]) => ({ name: label, value: clip(typed[id]?.trim() || EMPTY, 1024), inline: true })),
      }),
    ],
    components: [row(button(retryId, 'Fix the address', ButtonStyle.Primary), cancelButton())],
  };
}

type EmbedWithFields = { fields?: { name: string; value: string }[] };

/**
 * The fields of the message's embed that has a field named `name`: the step's own embed, wherever it is. A reply may
 * carry the customer's missed DMs in an embed in front of it (missed-notices.reply.ts): read as the first embed, the
 * step's fields were not found and "Fix the address" opened an empty form.
 */
function fieldsOfEmbedNaming(embeds: readonly EmbedWithFields[] | undefined, name: string): { name: string; value: string }[] {
  return embeds?.find((e) => e.fields?.some((f) => f.name === name))?.fields ?? [];
}

/** What was typed, read back from an addressRetryStep message. */
export function addressTypedFrom(embeds: readonly EmbedWithFields[] | undefined): TypedAddress {
  const fields = fieldsOfEmbedNaming(embeds, ADDRESS_INPUTS[0][1]);
  const typed: TypedAddress = {};
  for (const [id, label] of ADDRESS_INPUTS) {
    const value = fields.find((f) => f.name === label)?.value;
    if (value && value !== EMPTY) typed[id] = value;
  }
  return typed;
}

/** The correction step's two addresses, by the field that shows each (read back by correctionKeptFrom). */
const CORRECTION_FIELDS = { original: 'You entered', suggested: 'Suggested' } as const;
export type CorrectionChoice = keyof typeof CORRECTION_FIELDS;

/**
 * Which of a correctedAddressStep message's two addresses `address` is, read back from its fields; undefined when it
 * is neither, or both read the same.
 */
export function correctionKeptFrom(embeds: readonly EmbedWithFields[] | undefined, address: AddressLike): CorrectionChoice | undefined {
  const fields = fieldsOfEmbedNaming(embeds, CORRECTION_FIELDS.original);
  const shown = formatAddress(address);
  const matching = (Object.keys(CORRECTION_FIELDS) as CorrectionChoice[]).filter(
    (k) => fields.find((f) => f.name === CORRECTION_FIELDS[k])?.value === shown,
  );
  return matching.length === 1 ? matching[0] : undefined;
}

/** What the flow says when a tap on the correction step found the other address already taken: which one was kept. */
export function correctionKeptNote(kept: CorrectionChoice): string {
  return `${kept === 'suggested' ? 'The suggested address' : 'The address you entered'} was already chosen, so your order ships to it.`;
}

/** Step 3b: the validator suggests a correction. */
export function correctedAddressStep(original: AddressLike, suggested: AddressLike): MessageData {
  return {
    embeds: [
      embed({
        title: 'Check your address',
        description: 'The address checker suggests a correction. Which one should we ship to?',
        color: COLORS.warn,
        fields: [
          { name: CORRECTION_FIELDS.original, value: formatAddress(original), inline: true },
          { name: CORRECTION_FIELDS.suggested, value: formatAddress(suggested), inline: true },
        ],
      }),
    ],
    components: [
      row(
        button(customId('order:address:accept-corrected'), 'Use suggested', ButtonStyle.Success),
        button(customId('order:address:keep-original'), 'Keep mine'),
        cancelButton(),
      ),
    ],
  };
}

/** Step 4: shipping type. */
export function shippingStep(
  address: AddressLike | null,
  types: Pick<ShippingType, 'id' | 'name' | 'priceCents'>[],
  currency: string,
  /** A line under the address (the legacy flow's "The recipient is your Discord name…"). */
  addressNote?: string,
): MessageData {
  const shown = types.slice(0, 25);
  return {
    embeds: [
      embed({
        title: stepTitle('shipping'),
        description: `${address ? `Shipping to:\n${formatAddress(address)}\n\n${addressNote ? `${addressNote}\n\n` : ''}` : ''}How should we ship it?${types.length > 25 ? '\n(Showing the first 25 shipping options.)' : ''}`,
        color: COLORS.brand,
      }),
    ],
    components: [
      select(
        customId('order:shipping-type-select'),
        'Choose shipping',
        shown.map((t) => ({ label: t.name, value: t.id, description: formatMoney(t.priceCents, currency) })),
      ),
      row(cancelButton()),
    ],
  };
}

/** Step 5: only the tenant's enabled payment methods. */
export function paymentStep(methods: PaymentMethod[]): MessageData {
  if (methods.length === 0) {
    return {
      embeds: [
        embed({
          title: 'No payment methods',
          description: 'This shop has not enabled any payment method yet. Please contact the shop.',
          color: COLORS.warn,
        }),
      ],
      components: [row(cancelButton())],
    };
  }
  return {
    embeds: [embed({ title: stepTitle('payment'), description: 'How will you pay?', color: COLORS.brand })],
    components: [
      select(
        customId('order:payment-method-select'),
        'Choose a payment method',
        methods.slice(0, 25).map((m) => ({ label: paymentMethodLabel(m), value: m })),
      ),
      row(cancelButton()),
    ],
  };
}

export interface QuoteView {
  lines: { name: string; quantity: number; unitPriceCents: number; lineTotalCents: number }[];
  subtotalCents: number;
  discountCents: number;
  discountName?: string | null;
  shippingCents: number;
  shippingTypeName?: string | null;
  taxAmountCents: number;
  totalCents: number;
  currency: string;
  paymentMethod?: PaymentMethod | null;
  address?: AddressLike | null;
  /** The review's fingerprint: the Confirm button carries it, so the order is placed only at these numbers. */
  fingerprint?: string;
}

export function totalsText(q: Omit<QuoteView, 'lines'>): string {
  const m = (c: number) => formatMoney(c, q.currency);
  const rows = [`Subtotal: ${m(q.subtotalCents)}`];
  if (q.discountCents) rows.push(`Discount${q.discountName ? ` (${q.discountName})` : ''}: −${m(q.discountCents)}`);
  rows.push(`Shipping${q.shippingTypeName ? ` (${q.shippingTypeName})` : ''}: ${m(q.shippingCents)}`);
  rows.push(`Tax: ${m(q.taxAmountCents)}`);
  rows.push(`**Total: ${m(q.totalCents)}**`);
  return rows.join('\n');
}

/**
 * The lines as one field's value (1,024 characters), whole lines only: for a message with room for one
 * field. Messages that list an order use withItemFields (item-fields.view.ts), which splits instead.
 */
export function linesText(lines: readonly ItemLine[], currency: string, seeAll = 'too many to list here'): string {
  const room = { fields: 1, chars: FIELD_VALUE_MAX + 'Items'.length };
  return itemFields(
    lines.map((l) => itemLineText(l, currency)),
    room,
    seeAll,
  )[0]!.value;
}

/** What goes in a manual payment's note: the order's payment reference, the one the order's DM names too. */
export function paymentNoteText(order: { number: number; paymentReference?: string | null }): string {
  return order.paymentReference
    ? `Put the payment reference **${order.paymentReference}** in the payment note, so the shop can match your payment to order #${order.number}.`
    : `Put your order number **#${order.number}** in the payment note.`;
}

/**
 * How to pay, as the review, "Order submitted" and the order's DM say it. A processor-backed method (PayPal,
 * Cash App Pay, Bitcoin invoice) is paid with Pay now on the order's invoice page and confirmed by the
 * processor; a manual one is matched by the payment reference in its note and confirmed by an admin.
 * Without `order` (the review) nothing is placed yet, so there is no button and no reference to name.
 */
export function howToPayText(
  tenant: Pick<Tenant, 'paymentInstructions'>,
  method: PaymentMethod,
  order?: { number: number; paymentReference?: string | null },
  receiptWhere = 'by DM',
): string[] {
  const label = paymentMethodLabel(method);
  if (isProcessorMethod(method)) {
    return [
      order
        ? `Pay with ${label}: press **Pay now** to pay on the order's invoice page. The payment is confirmed automatically and you will get a receipt ${receiptWhere}.`
        : `Then pay with ${label}: once the order is placed, press **Pay now** to pay on its invoice page. The payment is confirmed automatically and you will get a receipt ${receiptWhere}.`,
    ];
  }
  return [
    `${order ? 'Pay' : 'Then pay'} with ${label}: ${paymentInstructionsText(tenant, method)}`,
    `${order ? paymentNoteText(order) : 'Put the payment reference you get with the order in the payment note.'} An admin will confirm the payment and you will get a receipt ${receiptWhere}.`,
  ];
}

/**
 * How to pay, in a DM about a placed order (the order's DM, the notice of more time): howToPayText's words, the
 * receipt coming "here"; a processor-backed method without a Pay now button in the DM (`payNow` false: no link
 * could be made) gets the shop's instructions instead of a button it does not carry.
 */
export function dmHowToPayText(
  tenant: Pick<Tenant, 'paymentInstructions'>,
  order: { number: number; paymentMethod: PaymentMethod; paymentReference?: string | null },
  payNow: boolean,
): string[] {
  if (isProcessorMethod(order.paymentMethod) && !payNow)
    return [`Pay with ${paymentMethodLabel(order.paymentMethod)}: ${paymentInstructionsText(tenant, order.paymentMethod)}`];
  return howToPayText(tenant, order.paymentMethod, order, 'here');
}

/**
 * `note` in at most `room` characters: its lines whole in the order given and, when they do not all fit, as many as do
 * (its first, the heading, always) and a line counting the rest ("and 12 more changes"), as cartSummary does for the
 * cart; `closing` (what to do now) whole after it, behind a heading cut short if need be. Empty when no room is left.
 */
export function fittedNote(note: string, room: number, closing?: string): string {
  const tail = closing ? `\n\n${closing}` : '';
  const whole = `${note}${tail}`;
  const lines = note.split('\n');
  const fitted = linesWithin(lines, room, 1, (hidden) => `and ${countWords(hidden, 'more change')}`, tail);
  if (fitted !== undefined) return fitted;
  // Not even the heading whole with the count: the heading cut short, the closing still whole when it fits.
  if (tail && room > tail.length + 1) return `${clip(lines[0] ?? '', room - tail.length)}${tail}`;
  return room > 0 ? clip(whole, room) : '';
}

/** Where the review sends a customer for the lines it has no room to list. */
const REVIEW_SEE_ALL = 'they are in the totals below';

/**
 * Step 6: the review summary and the instruction embed. `note`: what the flow says first (what changed, what was
 * done about it), a line each; `closing`: the sentence after it (what to click now). Both are its description, fitted
 * (fittedNote) within half a description and the room the rest of the message leaves beside the least item fields, so
 * the item fields are given the room it leaves and the message stays within Discord's 6,000 characters.
 */
export function reviewStep(q: QuoteView, tenant: Tenant, note?: string, closing?: string): MessageData {
  const summary: APIEmbed = embed({
    title: stepTitle('review'),
    color: COLORS.brand,
    fields: [
      { name: 'Totals', value: totalsText(q) },
      ...(q.address ? [{ name: 'Ship to', value: formatAddress(q.address), inline: true }] : []),
      ...(q.paymentMethod ? [{ name: 'Payment', value: paymentMethodLabel(q.paymentMethod), inline: true }] : []),
    ],
  });
  const instructions = embed({
    title: 'What happens next',
    description: [
      'Click **Confirm & submit** to place the order. Stock is held for you once it is placed.',
      ...(q.paymentMethod ? howToPayText(tenant, q.paymentMethod) : []),
    ].join('\n\n'),
    color: COLORS.muted,
  });
  const noteRoom = Math.min(
    DESCRIPTION_MAX / 2,
    MESSAGE_EMBED_CHARS_MAX - embedChars([summary, instructions]) - leastItemFieldsChars(q.lines.length, REVIEW_SEE_ALL),
  );
  const said = note ? fittedNote(note, noteRoom, closing) : closing ? fittedNote(closing, noteRoom) : '';
  const message: MessageData = {
    embeds: [{ ...summary, ...(said ? { description: said } : {}) }, instructions],
    components: [
      row(
        button(
          q.fingerprint ? customId('order:confirm', q.fingerprint) : customId('order:confirm'),
          'Confirm & submit',
          ButtonStyle.Success,
        ),
        button(customId('order:cancel'), 'Cancel', ButtonStyle.Danger),
      ),
    ],
  };
  // Every line the customer confirms, in the order they added them, before the totals.
  return withItemFields(message, q.lines, q.currency, { seeAll: REVIEW_SEE_ALL });
}

export interface SubmittedOrderView {
  number: number;
  totalCents: number;
  currency: string;
  paymentMethod: PaymentMethod;
  taxAmountCents: number;
  /** What the customer puts in a manual payment's note (every placed order has one). */
  paymentReference?: string | null;
  /** A repeated submit can find the order paid or cancelled since: then there is nothing left to pay. */
  status?: string;
}

/** Step 7: "Order submitted", the same answer every time it is asked for (a double click, `/order-submit` again). */
export function submittedStep(order: SubmittedOrderView, tenant: Tenant, alreadySubmitted = false): MessageData {
  const waiting = !order.status || order.status === 'PENDING_PAYMENT';
  return {
    embeds: [
      embed({
        title: 'Order submitted',
        description: [
          alreadySubmitted
            ? `Your order **#${order.number}** was already submitted; here it is again.`
            : `Thank you! Your order **#${order.number}** is placed.`,
          `Total: **${formatMoney(order.totalCents, order.currency)}**`,
          ...(waiting
            ? howToPayText(tenant, order.paymentMethod, order)
            : [
                `It is no longer waiting for payment (${order.status!.toLowerCase().replace(/_/g, ' ')}); \`/orders\` shows where it stands.`,
              ]),
        ].join('\n\n'),
        color: COLORS.ok,
        footer: { text: 'See your orders any time with /orders' },
      }),
    ],
    components: [],
  };
}

export function cancelledStep(cancelled = true): MessageData {
  return cancelled
    ? {
        embeds: [
          embed({
            title: 'Order cancelled',
            description: 'Nothing was ordered. Run `/order` whenever you want to start again.',
            color: COLORS.muted,
          }),
        ],
        components: [],
      }
    : {
        embeds: [
          embed({
            title: 'No order in progress',
            description: 'There was nothing to cancel. Run `/order` to start one.',
            color: COLORS.muted,
          }),
        ],
        components: [],
      };
}
