// /help: the modern commands; legacy ones only when asked (`/help legacy:true`), as spec 001 says.
import type { CommandRoutes } from '../context.js';
import { commandOptions } from '../interaction-data.js';
import { COLORS, embed, ephemeral } from '../replies.js';

const MODERN = [
  ['/order', 'Place an order step by step (product, quantity, address, shipping, payment, review).'],
  ['/catalog', 'Browse the products you can buy, with an Order button on each.'],
  ['/orders', 'See your orders and their details.'],
  ['/help', 'This help.'],
];
const ADMIN = [
  ['/refund', 'Refund an order: full, by amount (`amount`), or by items (`items: prod-1:2,prod-2`).'],
  [
    '/payment-confirm',
    'Mark an order as paid (by id, number or payment reference), or record a part received with `amount` (cents): the order is paid once the parts cover the total. The admin-channel buttons do the same.',
  ],
];
const LEGACY = [
  ['/register, /order-start', 'Start or resume an order session.'],
  ['/product-list', 'Products with Add buttons.'],
  ['/order-item', 'Add an item by its catalog fields.'],
  ['/order-shipping', 'Set the shipping address.'],
  ['/order-payment', 'Set the payment method.'],
  ['/order-submit', 'Place the order.'],
];

const list = (rows: string[][]) => rows.map(([c, d]) => `**${c}** — ${d}`).join('\n');

export const helpCommands: CommandRoutes = {
  help: {
    showsOnly: true,
    async run(ctx) {
      const showLegacy = commandOptions(ctx.interaction).legacy === true;
      const fields = [{ name: 'Commands', value: list(MODERN) }];
      if (ctx.isAdmin) fields.push({ name: 'Admin commands', value: list(ADMIN) });
      if (showLegacy) fields.push({ name: 'Legacy commands', value: list(LEGACY) });
      return ephemeral({
        embeds: [
          embed({
            title: `${ctx.tenant.name} · Ledgerline help`,
            color: COLORS.brand,
            fields,
            footer: showLegacy ? undefined : { text: 'Older step-by-step commands: /help legacy:true' },
          }),
        ],
      });
    },
  },
};
