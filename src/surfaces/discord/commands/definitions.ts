// Slash-command definitions as data: the runtime routes these names (routes.ts) and
// `npm run discord:register` sends exactly this list to Discord. Admin commands also carry
// default_member_permissions (Manage Server) so Discord hides them from ordinary members; the service
// checks again on every call (see admin-check.ts), since server owners can override those defaults.
// Option names are the specs' names in lower case (productid, unitpricecents, paymentmethod, orderid):
// Discord refuses upper-case letters in command and option names.
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { MAX_LINE_QUANTITY } from '../../../modules/checkout/index.js';
import { PAYMENT_METHODS, paymentMethodLabel } from '../views/payment-methods.view.js';

type Def = RESTPostAPIChatInputApplicationCommandsJSONBody;
const S = ApplicationCommandOptionType.String;
const I = ApplicationCommandOptionType.Integer;
const guildOnly = { type: ApplicationCommandType.ChatInput as const, contexts: [InteractionContextType.Guild] };
const adminPerm = PermissionFlagsBits.ManageGuild.toString();

export const COMMAND_DEFINITIONS: Def[] = [
  {
    ...guildOnly,
    name: 'order',
    description: 'Place an order step by step',
    options: [{ type: S, name: 'productid', description: 'Skip the product list and order this product', required: false, max_length: 64 }],
  },
  { ...guildOnly, name: 'catalog', description: 'Browse the products you can buy' },
  { ...guildOnly, name: 'orders', description: 'See your orders' },
  {
    ...guildOnly,
    name: 'help',
    description: 'What Ledgerline can do',
    options: [
      {
        type: ApplicationCommandOptionType.Boolean,
        name: 'legacy',
        description: 'Also list the older step-by-step commands',
        required: false,
      },
    ],
  },
  {
    ...guildOnly,
    name: 'refund',
    description: 'Admin: refund an order (full, by amount, or by items)',
    default_member_permissions: adminPerm,
    options: [
      { type: S, name: 'order', description: 'Order id (ord_…) or number (1001)', required: true, max_length: 64 },
      { type: S, name: 'reason', description: 'Reason (default: Admin-initiated refund)', required: false, max_length: 500 },
      {
        type: I,
        name: 'amount',
        description: 'Amount in cents (no inventory change). Not together with items.',
        required: false,
        min_value: 1,
      },
      {
        type: S,
        name: 'items',
        description: 'SKU (or product id):qty pairs, e.g. TEE-001:2,STK-001 (qty 1 if omitted). Not with amount.',
        required: false,
        max_length: 1000,
      },
    ],
  },
  {
    ...guildOnly,
    name: 'payment-confirm',
    description: 'Admin: confirm payment was received for an order',
    default_member_permissions: adminPerm,
    options: [
      { type: S, name: 'orderid', description: 'Order id (ord_…), number (1001) or payment reference', required: true, max_length: 64 },
      {
        type: I,
        name: 'amount',
        description: 'Amount received in cents (default: the full amount still owed)',
        required: false,
        min_value: 1,
      },
    ],
  },
  // Legacy flow (spec 004), not shown in /help by default.
  { ...guildOnly, name: 'register', description: 'Start an order session (same as /order-start)' },
  { ...guildOnly, name: 'order-start', description: 'Start or resume an order session' },
  { ...guildOnly, name: 'product-list', description: 'List products with Add buttons' },
  {
    ...guildOnly,
    name: 'order-item',
    description: 'Add an item to your order session',
    options: [
      { type: S, name: 'productid', description: 'Product id', required: true, max_length: 64 },
      { type: S, name: 'name', description: 'Product name', required: true, max_length: 200 },
      { type: S, name: 'sku', description: 'SKU', required: true, max_length: 100 },
      { type: I, name: 'quantity', description: 'Units', required: true, min_value: 1, max_value: MAX_LINE_QUANTITY },
      { type: I, name: 'unitpricecents', description: 'Price per unit in cents (must match the catalog)', required: true, min_value: 0 },
      { type: S, name: 'currency', description: 'ISO 4217 code, e.g. USD', required: true, min_length: 3, max_length: 3 },
    ],
  },
  {
    ...guildOnly,
    name: 'order-shipping',
    description: 'Set the shipping address (no options: pick a saved one or fill a form)',
    options: [
      { type: S, name: 'street', description: 'Street address', required: false, max_length: 200 },
      { type: S, name: 'city', description: 'City', required: false, max_length: 100 },
      { type: S, name: 'state', description: 'State / region', required: false, max_length: 100 },
      { type: S, name: 'zip', description: 'Postal code', required: false, max_length: 20 },
      { type: S, name: 'country', description: 'Two-letter country code, e.g. US', required: false, min_length: 2, max_length: 2 },
      { type: S, name: 'line2', description: 'Apartment, suite', required: false, max_length: 200 },
      { type: S, name: 'name', description: 'Recipient name', required: false, max_length: 100 },
      // Suggested from the shop's active shipping types; optional when the shop has exactly one.
      { type: S, name: 'shipping', description: 'Shipping option', required: false, autocomplete: true, max_length: 100 },
    ],
  },
  {
    ...guildOnly,
    name: 'order-payment',
    description: 'Set the payment method',
    options: [
      {
        type: S,
        name: 'paymentmethod',
        description: 'Payment method',
        required: true,
        choices: PAYMENT_METHODS.map((m) => ({ name: paymentMethodLabel(m), value: m })),
      },
    ],
  },
  { ...guildOnly, name: 'order-submit', description: 'Place your order' },
];
