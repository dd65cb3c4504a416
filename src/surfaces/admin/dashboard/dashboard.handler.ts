// Data of the panel's dashboard for the signed-in admin's tenant: net sales per day over the last 30 days
// (paid orders, refunds subtracted, by order date in the shop's time zone), per currency (the shop's own first;
// another only when the period has money in it: orders from before the shop changed its currency), and the
// number of orders in each status. Read from the rollups the order triggers maintain (order_currency_sales_rollups
// by quarter hour and currency for the days, order_daily_rollups for the counts), always filtered by the tenant from
// the session. Above them, for the shop's admins and staff, what the shop still lacks before a first order
// (modules/tenants/shop-readiness.query.ts: settings, catalog and connections only, never the orders), and money
// paid for deleted orders to return by hand (money-to-return.ts). A platform admin's dashboard has no shop, and no
// checklist: the shops' catalogs and settings are their admins' to fix (the panel denies the platform admin
// their products and shipping types), and a list over every shop would cost more the more shops there are.
import type { Temporal } from '@js-temporal/polyfill';
import type { PageHandler } from 'adminjs';
import type { Db } from '../../../platform/db/prisma.js';
import { formatMoney } from '../../../platform/money.js';
import { todayIn } from '../../../platform/zoned-time.js';
import { shopReadiness, type ServerReach } from '../../../modules/tenants/shop-readiness.query.js';
import { isTenantAdmin, isTenantMember, type PanelAdmin } from '../auth/panel-admin.js';
import { dashboardView, type CurrencySales, type DashboardData } from './dashboard-view.js';
import type { ReadinessLinks } from './readiness-items.js';
import type { DiscordDirectory } from '../resources/discord-directory.js';
import { deletedOrdersMoneyToReturn } from '../../../modules/payments-processor/checkouts/flagged-payments.query.js';
import { moneyToReturnItems } from './money-to-return.js';
import { serverAdminsOnlyChoice } from '../../../modules/tenants/server-admins-only.js';
import { formatDateTime } from '../../../platform/time-format.js';
import { SERVER_ADMINS_ONLY_PATH } from './server-admins-only.route.js';

export const DASHBOARD_DAYS = 30;

export type { DashboardData } from './dashboard-view.js';

const STATUSES = ['PENDING_PAYMENT', 'PAID', 'FULFILLING', 'SHIPPED', 'COMPLETE', 'CANCELLED', 'REFUNDED', 'PARTIALLY_REFUNDED'];

export async function dashboardData(db: Db, admin: PanelAdmin | undefined, now = new Date()): Promise<DashboardData> {
  if (!admin) return { kind: 'none' };
  if (admin.role === 'PLATFORM_ADMIN') return { kind: 'platform', tenants: await db.tenant.count() };
  if (!admin.tenantId) return { kind: 'none' };
  const tenantId = admin.tenantId;
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { name: true, currency: true, timeZone: true } });
  const timeZone = tenant.timeZone;

  // The shop's last DASHBOARD_DAYS days, today included, and the instants they start and end at (a day of a
  // daylight-saving change has 23 or 25 hours).
  const today = todayIn(timeZone, now);
  const days = Array.from({ length: DASHBOARD_DAYS }, (_, i) => today.subtract({ days: DASHBOARD_DAYS - 1 - i }));
  const startOf = (day: Temporal.PlainDate) => new Date(day.toZonedDateTime({ timeZone }).epochMilliseconds).toISOString();
  // From the per-quarter-hour rollups the order triggers keep (docs/decisions/dashboard-rollups.md), never a scan
  // of the orders: every zone's midnight falls on a quarter hour, so a day's quarter hours hold exactly its
  // orders. quarterHour is UTC wall time, as createdAt. Summed per quarter hour and currency first (over statuses
  // and slots), so the zone's conversion runs on 2,880 rows a currency at most. Each currency apart: a shop that
  // changed its currency has orders in both, and their sum is no amount at all.
  const rows = await db.$queryRaw<{ currency: string; day: string; orders: number; net: bigint }[]>`
    SELECT q.currency, to_char((q."quarterHour" AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') AS day,
           sum(q.orders)::int AS orders, sum(q.net)::bigint AS net
    FROM (
      SELECT r.currency::text AS currency, r."quarterHour", sum(r.orders) AS orders, sum(r."totalCents" - r."refundedCents") AS net
      FROM order_currency_sales_rollups r
      WHERE r."tenantId" = ${tenantId}
        AND r.status NOT IN ('PENDING_PAYMENT', 'CANCELLED')
        AND r."quarterHour" >= ${startOf(days[0]!)}::timestamptz AT TIME ZONE 'UTC'
        AND r."quarterHour" < ${startOf(today.add({ days: 1 }))}::timestamptz AT TIME ZONE 'UTC'
      GROUP BY 1, 2
    ) q
    GROUP BY 1, 2
    HAVING sum(q.orders) <> 0`;
  const sales = salesPerCurrency(rows, days, tenant.currency);

  const grouped = await db.$queryRaw<{ status: string; count: number }[]>`
    SELECT status::text AS status, sum(orders)::int AS count FROM order_daily_rollups WHERE "tenantId" = ${tenantId} GROUP BY status`;
  const counts = new Map(grouped.map((g) => [g.status, g.count]));
  const byStatus = STATUSES.map((status) => ({ status, count: counts.get(status) ?? 0 }));
  const own = sales[0]!;

  return {
    kind: 'tenant',
    tenantName: tenant.name,
    currency: tenant.currency,
    timeZone,
    salesByDay: own.days,
    sales,
    byStatus,
    totals: {
      orders: sales.reduce((s, c) => s + c.orders, 0),
      net: own.net,
      pendingPayment: counts.get('PENDING_PAYMENT') ?? 0,
    },
  };
}

/**
 * The days' figures of each currency: the shop's own first (always, zeros included), then each other one that has
 * orders or money in the period (orders from before the shop changed its currency; one whose orders were all
 * refunded nets zero, and its orders still count in the total), by code. Never added across currencies.
 */
function salesPerCurrency(
  rows: { currency: string; day: string; orders: number; net: bigint }[],
  days: Temporal.PlainDate[],
  shopCurrency: string,
): CurrencySales[] {
  const others = [
    ...new Set(rows.filter((r) => r.currency !== shopCurrency && (r.net !== 0n || r.orders > 0)).map((r) => r.currency)),
  ].sort();
  return [shopCurrency, ...others].map((currency) => {
    const byDay = new Map(rows.filter((r) => r.currency === currency).map((r) => [r.day, r]));
    const perDay = days.map((d) => {
      const day = d.toString();
      const r = byDay.get(day);
      const netCents = r ? Number(r.net) : 0;
      return { day, orders: r?.orders ?? 0, netCents, net: formatMoney(netCents, currency) };
    });
    const netCents = perDay.reduce((s, d) => s + d.netCents, 0);
    return { currency, days: perDay, orders: perDay.reduce((s, d) => s + d.orders, 0), netCents, net: formatMoney(netCents, currency) };
  });
}

// Statuses in words on their badge colours (dashboard-view.ts); for a shop's admin, where its time zone is set
// and the pages that fix the checklist's gaps (staff see the gaps without them: they may not change those pages).
export function dashboardHandler(db: Db, reach: ServerReach): PageHandler {
  return async (_request, _response, context) => {
    const admin = context.currentAdmin as PanelAdmin | undefined;
    // Side by side: the checklist's one statement adds no wait to the sales figures'.
    const member = isTenantMember(admin);
    const [data, readiness, toReturn, serverAdminsOnly] = await Promise.all([
      dashboardData(db, admin),
      member ? shopReadiness(db, admin!.tenantId!, reach) : undefined,
      member ? deletedOrdersMoneyToReturn(db, admin!.tenantId!) : [],
      member ? serverAdminsOnlyNote(db, admin!.tenantId!) : undefined,
    ]);
    const h = context.h;
    // Staff see it too (a customer asks them where the money went); only an admin may mark it returned.
    const moneyToReturn = {
      items: moneyToReturnItems(toReturn, (recordId) =>
        h.recordActionUrl({ resourceId: 'DeletedOrderCheckout', recordId, actionName: 'show' }),
      ),
      canMark: isTenantAdmin(admin),
    };
    const mayFix = data.kind === 'tenant' && isTenantAdmin(admin);
    const shopSettings = mayFix ? h.recordActionUrl({ resourceId: 'Tenant', recordId: admin!.tenantId!, actionName: 'edit' }) : undefined;
    const links: ReadinessLinks | null = shopSettings
      ? {
          newProduct: h.resourceActionUrl({ resourceId: 'Product', actionName: 'new' }),
          products: h.resourceActionUrl({ resourceId: 'Product', actionName: 'list' }),
          newShippingType: h.resourceActionUrl({ resourceId: 'ShippingType', actionName: 'new' }),
          shopSettings,
          payments: h.resourceActionUrl({ resourceId: 'PaymentConnection', actionName: 'list' }),
          serverAdminsOnly: h.urlBuilder(SERVER_ADMINS_ONLY_PATH.split('/').filter(Boolean)),
        }
      : null;
    return dashboardView(
      {
        ...data,
        timeZoneSettingsUrl: shopSettings,
        ...(data.kind === 'tenant' && { readiness, moneyToReturn }),
        ...(data.kind === 'tenant' &&
          serverAdminsOnly && { serverAdminsOnly: { ...serverAdminsOnly, ...(links && { undoUrl: links.serverAdminsOnly }) } }),
      },
      links,
    );
  };
}

/**
 * How long the dashboard trusts what Discord said of a shop's admin channel; how long it trusts "Discord could not
 * tell" (slow, down, no bot token); how long a view waits for Discord at most.
 */
const CHANNEL_LOOKUP_TTL_MS = 60_000;
const CHANNEL_UNKNOWN_TTL_MS = 30_000;
const CHANNEL_LOOKUP_WAIT_MS = 2_000;

type ChannelFound = Awaited<ReturnType<DiscordDirectory['findChannel']>>;

/**
 * The checklist's question about the stored admin channel (shop-readiness.query.ts), asked of the panel's Discord
 * directory: one question per shop and channel at a time, shared by the views that arrive while it is asked; its
 * answer remembered for a minute (a foreign channel is not in the cached lists, so the directory would ask Discord
 * afresh at every view), and "could not tell" for 30 seconds, so a hanging Discord costs one view at most
 * CHANNEL_LOOKUP_WAIT_MS (then nothing is claimed), not every view.
 */
export function storedChannelLookup(
  directory: Pick<DiscordDirectory, 'findChannel'>,
  now: () => number = Date.now,
): NonNullable<ServerReach['findChannel']> {
  const known = new Map<string, { at: number; found: ChannelFound }>();
  const asking = new Map<string, Promise<ChannelFound>>();
  const remember = (key: string, found: ChannelFound) => {
    if (known.size >= 5_000) known.delete(known.keys().next().value!);
    known.set(key, { at: now(), found });
  };
  return async (tenantId, channelId) => {
    const key = `${tenantId}:${channelId}`;
    const asked = now();
    const hit = known.get(key);
    if (hit && now() - hit.at < (hit.found === 'unknown' ? CHANNEL_UNKNOWN_TTL_MS : CHANNEL_LOOKUP_TTL_MS)) return hit.found;
    let question = asking.get(key);
    if (!question) {
      question = directory.findChannel(tenantId, channelId).then(
        (found) => (remember(key, found), found),
        () => (remember(key, 'unknown'), 'unknown' as const),
      );
      asking.set(key, question);
      void question.finally(() => asking.delete(key));
    }
    let timer: NodeJS.Timeout | undefined;
    const found = await Promise.race([
      question,
      new Promise<'unknown'>((resolve) => (timer = setTimeout(() => resolve('unknown'), CHANNEL_LOOKUP_WAIT_MS))),
    ]).finally(() => clearTimeout(timer));
    // Given up on while Discord is still asked: the next views get "could not tell" at once, until it answers.
    if (found === 'unknown' && (known.get(key)?.at ?? -Infinity) < asked) remember(key, 'unknown');
    return found;
  };
}

/**
 * The shop's choice that its Discord server's administrators are its admins (no admin role), in words with who
 * made it and when (the shop's time zone), while it stands; undefined otherwise.
 */
async function serverAdminsOnlyNote(db: Db, tenantId: string): Promise<{ text: string } | undefined> {
  const choice = await serverAdminsOnlyChoice(db, tenantId);
  if (!choice) return undefined;
  const [who, shop] = await Promise.all([
    choice.actorId ? db.adminUser.findFirst({ where: { id: choice.actorId }, select: { email: true } }) : null,
    db.tenant.findUnique({ where: { id: tenantId }, select: { timeZone: true } }),
  ]);
  return {
    text: `In Discord, only your server's administrators confirm payments and refund orders (no admin role): chosen by ${who?.email ?? 'an admin no longer here'} on ${formatDateTime(choice.chosenAt, shop?.timeZone ?? 'UTC')}.`,
  };
}
