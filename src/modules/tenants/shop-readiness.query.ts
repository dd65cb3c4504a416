// What a shop still lacks before a customer can order through Discord, and before its admins hear of the order:
// the dashboard's "Before your first order" checklist. Each gap is the product's own rule, read here, never
// restated:
// - a product a customer can order: checkout/selection-rules.ts's product rules (active, priced in the shop's
//   currency, in stock when its stock is tracked), as SQL;
// - shipped goods need a shipping type: the order flow asks for one only when the shop has an active one
//   (selection-rules.ts shippingChosenRule; "shops without any ship nothing"), so a shop selling a product
//   that is neither a digital item (digitalKind) nor a role (grantedRoleIds) (catalog/shipped-goods.ts) would
//   take its orders with no shipping asked or charged; a digital-only shipping type is not offered for such goods
//   (selection-rules.ts shipping.digitalOnly), so it does not count;
// - a way to pay: an enabled method (the Discord menu offers only those; none: "No payment methods"), and for
//   PayPal, Cash App Pay and Bitcoin a working connection (payments-processor/connections/working-connection.ts),
//   the shop's currency taken (method-currency.ts) and a server that can send customers to the invoice page;
// - the manual methods' instructions (payment-instructions.ts: without them the customer is told only that
//   "the shop will send you payment details");
// - the admin channel (order notifications go nowhere without one, nor with one the bot refuses to post to:
//   admin-channel.ts, asked of Discord through `reach.findChannel`) and admin roles (without them only the
//   Discord server's own administrators count as admins: surfaces/discord/admin-check.ts), unless the shop chose
//   exactly that (server-admins-only.ts: then no admin role is missing);
// - a Discord server linked to the shop (the tenant of every interaction comes from its guild).
// Whether the bot's commands are registered in that server is not in our data (discord:register talks to
// Discord only), so it is not a gap here.
// One statement over the shop's settings, catalog and connections only: it never reads orders, so its cost does
// not grow with them (npm run bench:scale times the dashboard).
import type { ConnectionStatus, PaymentMethod } from '../../generated/prisma/index.js';
import { Prisma, type Db } from '../../platform/db/prisma.js';
import { shippedGoodsSql } from '../catalog/shipped-goods.js';
import { guardSql, productRules } from '../checkout/index.js';
import { currencyRefusal, methodTakesCurrency } from '../payments-processor/connections/method-currency.js';
import { isProcessorMethod, providerOfMethod, type ProcessorMethod } from '../payments-processor/connections/provider-definitions.js';
import { WORKING_CONNECTION_SQL } from '../payments-processor/connections/working-connection.js';
import type { ProviderId } from '../payments-processor/providers/provider.port.js';
import { adminChannelRefusal, NOT_THE_SHOPS, type AdminChannelRefusal, type DiscordChannelFacts } from './admin-channel.js';
import { manualPaymentDetails } from './payment-instructions.js';
import { serverAdminsOnlySql } from './server-admins-only.js';

/** One thing the shop lacks. `blocksOrders`: no customer can place an order until it is done. */
export type ReadinessGap = { blocksOrders: boolean } & (
  | { kind: 'guild' }
  /** No product can be ordered; `products`: how many the shop has (0: none added yet). */
  | { kind: 'product'; products: number }
  | { kind: 'shippingType' }
  /** No enabled method can take a payment; `enabled`: how many are switched on (0: none). */
  | { kind: 'paymentMethod'; enabled: number }
  /** A processor method is on, but its connection does not work (`status` null: never set up). */
  | { kind: 'connection'; method: ProcessorMethod; provider: ProviderId; status: ConnectionStatus | null }
  /** A processor method is on, but its provider does not take the shop's currency (`message`: why, in words). */
  | { kind: 'currency'; method: ProcessorMethod; message: string }
  /** Processor methods are on, but this server cannot send customers to the invoice page where they are paid. */
  | { kind: 'invoiceLinks'; methods: ProcessorMethod[] }
  | { kind: 'instructions'; method: PaymentMethod }
  | { kind: 'adminChannel' }
  /**
   * The stored admin channel is not one the bot may post the shop's orders to (admin-channel.ts): another shop's
   * server's, or not a text channel (saved before the rule, or its server unlinked since). Posts to it are refused.
   * `what`, for one of the shop's server that is not a text channel: what it is instead ("a thread (in #orders)").
   */
  | { kind: 'adminChannelNotOwn'; reason: 'not-the-shops' | 'not-text'; what?: string }
  | { kind: 'adminRole' }
);

/** What this server can do for every shop (the composition root's facts): send customers to the invoice page. */
export interface ServerReach {
  invoiceLinks: boolean;
  /**
   * What Discord says of a channel the shop's servers hold (the panel's directory, cached): its server and type,
   * 'none' when no linked server lists it, 'no-server' or 'unknown' when that cannot be told. Absent: not asked.
   */
  findChannel?: (tenantId: string, channelId: string) => Promise<DiscordChannelFacts | 'none' | 'no-server' | 'unknown'>;
}

interface Row {
  currency: string;
  methods: PaymentMethod[];
  instructions: unknown;
  adminChannelId: string | null;
  hasAdminRole: boolean;
  serverAdminsOnly: boolean;
  hasGuild: boolean;
  products: number;
  hasOrderable: boolean;
  sellsShipped: boolean;
  hasShippingType: boolean;
  connections: { provider: ProviderId; status: ConnectionStatus; working: boolean }[];
}

/** A product `p` of the shop `t` a customer can order one of now (the order flow's rules, role gate aside). */
const ORDERABLE = guardSql(productRules({ quantity: 1 }));

/**
 * The shop's gaps, those that block orders first, in the order an owner fixes them; empty when it is ready.
 * Scoped to `tenantId` (from the signed-in admin's session); a shop that does not exist has none.
 */
export async function shopReadiness(db: Db, tenantId: string, reach: ServerReach): Promise<ReadinessGap[]> {
  const [row] = await db.$queryRaw<Row[]>(Prisma.sql`
    SELECT t.currency, t."enabledPaymentMethods"::text[] AS methods, t."paymentInstructions" AS instructions,
      t."adminChannelId", cardinality(t."adminRoleIds") > 0 AS "hasAdminRole",
      ${serverAdminsOnlySql(Prisma.sql`t.id`)} AS "serverAdminsOnly",
      EXISTS (SELECT 1 FROM guilds g WHERE g."tenantId" = t.id) AS "hasGuild",
      (SELECT count(*)::int FROM products p WHERE p."tenantId" = t.id) AS products,
      EXISTS (SELECT 1 FROM products p WHERE ${ORDERABLE}) AS "hasOrderable",
      EXISTS (SELECT 1 FROM products p WHERE p."tenantId" = t.id AND p.active AND ${shippedGoodsSql('p')}) AS "sellsShipped",
      EXISTS (SELECT 1 FROM shipping_types x WHERE x."tenantId" = t.id AND x.active AND NOT x."digitalOnly") AS "hasShippingType",
      COALESCE((SELECT json_agg(json_build_object('provider', c.provider, 'status', c.status, 'working', ${WORKING_CONNECTION_SQL}))
                FROM payment_connections c WHERE c."tenantId" = t.id), '[]'::json) AS connections
    FROM tenants t WHERE t.id = ${tenantId}`);
  if (!row) return [];

  const payment: ReadinessGap[] = [];
  let payable = 0;
  const unreachable: ProcessorMethod[] = [];
  for (const method of row.methods) {
    if (!isProcessorMethod(method)) {
      payable++;
      const { instructions, handle } = manualPaymentDetails(row.instructions, method);
      if (!instructions && !handle) payment.push({ kind: 'instructions', method, blocksOrders: false });
      continue;
    }
    const provider = providerOfMethod(method);
    const connection = row.connections.find((c) => c.provider === provider);
    if (!connection?.working)
      payment.push({ kind: 'connection', method, provider, status: connection?.status ?? null, blocksOrders: false });
    else if (!methodTakesCurrency(method, row.currency))
      payment.push({ kind: 'currency', method, message: currencyRefusal(method, row.currency), blocksOrders: false });
    else if (!reach.invoiceLinks) unreachable.push(method);
    else payable++;
  }
  if (unreachable.length) payment.push({ kind: 'invoiceLinks', methods: unreachable, blocksOrders: false });

  const gaps: ReadinessGap[] = [];
  if (!row.hasGuild) gaps.push({ kind: 'guild', blocksOrders: true });
  if (!row.hasOrderable) gaps.push({ kind: 'product', products: row.products, blocksOrders: true });
  if (payable === 0) gaps.push({ kind: 'paymentMethod', enabled: row.methods.length, blocksOrders: true });
  gaps.push(...payment);
  if (row.sellsShipped && !row.hasShippingType) gaps.push({ kind: 'shippingType', blocksOrders: false });
  if (!row.adminChannelId) gaps.push({ kind: 'adminChannel', blocksOrders: false });
  else {
    const refusal = await storedAdminChannelRefusal(db, tenantId, row.adminChannelId, reach);
    if (refusal)
      gaps.push({
        kind: 'adminChannelNotOwn',
        reason: refusal.reason,
        ...(refusal.reason === 'not-text' ? { what: refusal.what } : {}),
        blocksOrders: false,
      });
  }
  if (!row.hasAdminRole && !row.serverAdminsOnly) gaps.push({ kind: 'adminRole', blocksOrders: false });
  return gaps;
}

/**
 * Why the shop's stored admin channel is refused at every post (admin-channel.ts's rule, as the post-time guard
 * asks it), or null: it is not, or Discord could not tell (not asked, no server linked: the 'guild' gap says so,
 * Discord slow or down). A channel saved before the rule existed is otherwise only a log line at post time.
 */
async function storedAdminChannelRefusal(
  db: Db,
  tenantId: string,
  channelId: string,
  reach: ServerReach,
): Promise<AdminChannelRefusal | null> {
  if (!reach.findChannel) return null;
  const found = await reach.findChannel(tenantId, channelId);
  if (found === 'no-server' || found === 'unknown') return null;
  if (found === 'none') return NOT_THE_SHOPS;
  return adminChannelRefusal(
    tenantId,
    found,
    async (guildId) => (await db.guild.findUnique({ where: { id: guildId }, select: { tenantId: true } }))?.tenantId ?? null,
  );
}
