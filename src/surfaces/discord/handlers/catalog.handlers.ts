// /catalog: the products this member may buy as embeds, up to 10 a page (fewer when long descriptions would
// pass Discord's 6000 characters a message), each with an "Order <product>" button
// (catalog:order:<productId>) that opens the rich flow's quantity modal directly (spec 001).
import { ButtonStyle, type APIEmbed } from 'discord-api-types/v10';
import type { Product } from '../../../generated/prisma/index.js';
import { formatMoney } from '../../../platform/money.js';
import type { CommandRoutes, ComponentRoutes, HandlerContext } from '../context.js';
import { customId } from '../custom-id.js';
import {
  button,
  clip,
  COLORS,
  embed,
  embedChars,
  ephemeral,
  MESSAGE_EMBED_CHARS_MAX,
  row,
  update,
  type MessageData,
  type Row,
} from '../replies.js';
import { quantityModalFor } from './order-flow.js';

// A message carries at most 10 embeds, and Discord refuses it ("This interaction failed") when its embeds
// hold more than 6000 characters together (docs: shared/docs/discord.md).
const MAX_EMBEDS = 10;
const SKU_SHOWN = 100; // a footer may hold 2048; a SKU that long is a typo, and one product must fit a page

function productEmbed(prod: Product): APIEmbed {
  const facts = [
    `**${formatMoney(prod.unitPriceCents, prod.currency)}**`,
    prod.trackStock ? (prod.stock > 0 ? `${prod.stock} in stock` : 'Out of stock') : undefined,
  ]
    .filter(Boolean)
    .join('\n');
  // Only a description past Discord's 4096 is shortened, and from its end: the price and stock always show.
  const about = prod.description ? `${clip(prod.description, 4096 - facts.length - 1)}\n` : '';
  return embed({ title: prod.name, description: about + facts, color: COLORS.brand, footer: { text: clip(`SKU ${prod.sku}`, SKU_SHOWN) } });
}

/**
 * Splits the products' embeds into pages, in order: each page takes products while both limits hold, so a
 * page of long descriptions holds fewer products, and no product is dropped nor its description shortened
 * to make room. One product always fits a page alone (title 256 + description 4096 + footer 100 < 6000). The split depends only on the products,
 * so catalog:page:<n> opens the same page each time the list is the same.
 */
function splitPages(embeds: APIEmbed[]): APIEmbed[][] {
  const pages: APIEmbed[][] = [];
  let page: APIEmbed[] = [];
  let chars = 0;
  for (const e of embeds) {
    const n = embedChars([e]);
    if (page.length && (page.length === MAX_EMBEDS || chars + n > MESSAGE_EMBED_CHARS_MAX)) {
      pages.push(page);
      page = [];
      chars = 0;
    }
    page.push(e);
    chars += n;
  }
  if (page.length) pages.push(page);
  return pages;
}

export function catalogPage(products: Product[], page: number): MessageData {
  if (!products.length)
    return {
      embeds: [embed({ title: 'Catalog', description: 'No products are available to you right now.', color: COLORS.warn })],
      components: [],
    };
  const pages = splitPages(products.map(productEmbed));
  const p = Math.min(Math.max(page, 0), pages.length - 1);
  const first = pages.slice(0, p).reduce((n, pg) => n + pg.length, 0);
  const embeds = pages[p]!;
  const slice = products.slice(first, first + embeds.length);
  const buttons = slice.map((prod) =>
    button(customId('catalog:order', prod.id), `Order ${prod.name}`, ButtonStyle.Primary, prod.trackStock && prod.stock <= 0),
  );
  const components: Row[] = [];
  for (let i = 0; i < buttons.length; i += 5) components.push(row(...buttons.slice(i, i + 5)));
  if (pages.length > 1) {
    components.push(
      row(
        button(customId('catalog:page', Math.max(p - 1, 0)), 'Previous', ButtonStyle.Secondary, p === 0),
        button(
          customId('catalog:page', Math.min(p + 1, pages.length - 1)),
          `Next (page ${p + 1} of ${pages.length})`,
          ButtonStyle.Secondary,
          p >= pages.length - 1,
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
      return quantityModalFor(ctx, productId);
    },
  },
};
