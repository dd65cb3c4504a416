// /catalog: the products this member may buy as embeds, 10 a page, each with an "Order <product>" button
// (catalog:order:<productId>) that opens the rich flow's quantity modal directly (spec 001).
import { ButtonStyle } from 'discord-api-types/v10';
import type { Product } from '../../../generated/prisma/index.js';
import { formatMoney } from '../../../platform/money.js';
import type { CommandRoutes, ComponentRoutes, HandlerContext } from '../context.js';
import { customId } from '../custom-id.js';
import { button, COLORS, embed, ephemeral, row, update, type MessageData, type Row } from '../replies.js';
import { quantityModal } from '../views/order-steps.view.js';
import { orderableProduct } from './order-flow.js';

const PER_PAGE = 10; // a message carries at most 10 embeds

export function catalogPage(products: Product[], page: number): MessageData {
  if (!products.length)
    return {
      embeds: [embed({ title: 'Catalog', description: 'No products are available to you right now.', color: COLORS.warn })],
      components: [],
    };
  const pages = Math.ceil(products.length / PER_PAGE);
  const p = Math.min(Math.max(page, 0), pages - 1);
  const slice = products.slice(p * PER_PAGE, (p + 1) * PER_PAGE);
  const embeds = slice.map((prod) =>
    embed({
      title: prod.name,
      description: [
        prod.description,
        `**${formatMoney(prod.unitPriceCents, prod.currency)}**`,
        prod.trackStock ? (prod.stock > 0 ? `${prod.stock} in stock` : 'Out of stock') : undefined,
      ]
        .filter(Boolean)
        .join('\n'),
      color: COLORS.brand,
      footer: { text: `SKU ${prod.sku}` },
    }),
  );
  const buttons = slice.map((prod) =>
    button(customId('catalog:order', prod.id), `Order ${prod.name}`, ButtonStyle.Primary, prod.trackStock && prod.stock <= 0),
  );
  const components: Row[] = [];
  for (let i = 0; i < buttons.length; i += 5) components.push(row(...buttons.slice(i, i + 5)));
  if (pages > 1) {
    components.push(
      row(
        button(customId('catalog:page', Math.max(p - 1, 0)), 'Previous', ButtonStyle.Secondary, p === 0),
        button(
          customId('catalog:page', Math.min(p + 1, pages - 1)),
          `Next (page ${p + 1} of ${pages})`,
          ButtonStyle.Secondary,
          p >= pages - 1,
        ),
      ),
    );
  }
  return { embeds, components };
}

const visible = (ctx: HandlerContext) => ctx.services.catalog.listProducts(ctx.tenant.id, { memberRoleIds: ctx.memberRoleIds });

export const catalogCommands: CommandRoutes = {
  catalog: { showsOnly: true, run: async (ctx) => ephemeral(catalogPage(await visible(ctx), 0)) },
};

export const catalogComponents: ComponentRoutes = {
  'catalog:page': { kind: 'component', showsOnly: true, run: async (ctx, [page]) => update(catalogPage(await visible(ctx), page)) },
  'catalog:order': {
    kind: 'component',
    showsOnly: true,
    async run(ctx, [productId]) {
      return quantityModal(await orderableProduct(ctx, productId));
    },
  },
};
