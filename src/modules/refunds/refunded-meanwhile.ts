// A refund an admin asked for from what they saw is refused when a refund was recorded on the order since (refunds.refund,
// under the order's row lock): the one rule is "the amount refunded is still what the admin saw". Two admins who each saw
// $50 paid and $0 refunded and each gave $10 compensation would otherwise both go through (the customer gets $20), and a
// full refund after a partial one the admin did not see would refund another amount than their form showed. The same
// admin's double click is the idempotency key's (a replay returns the first refund, it is not "meanwhile").
// A refund made at the provider (PayPal's or Square's dashboard) and learned since (its webhook, the refund sweep, or
// learnProviderRefunds just before this refund) is a refund recorded meanwhile too: the admin did not see it.
// The refusal says what was refunded meanwhile, when and by whom, in the words of the surface it is read on (a Discord
// admin reads a mention and a Discord timestamp), and that nothing was refunded: no refund row, no money sent to a
// processor, no stock or role change. The receipts' rule is payments/recorded-meanwhile.ts.
// One clock: the database's. A refund row is dated by it when written (refund.command.ts, under the order's row lock),
// and a command's send time is put on it here (onDatabaseClock), so instances whose clocks differ from each other or
// from PostgreSQL's judge the same refund alike.
import type { Order, Refund } from '../../generated/prisma/index.js';
import type { Clock } from '../../platform/clock.js';
import { onDatabaseClock } from '../../platform/db/database-now.js';
import type { Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { formatMoney } from '../../platform/money.js';
import { formatDateTime } from '../../platform/time-format.js';
import { actorsForReader, type RefusalReader } from '../audit/actors-for-reader.js';
import { orderLabel } from '../orders/index.js';
import { newestMakingUp } from '../shared/newest-making-up.js';

/**
 * What the admin saw: the amount refunded a form showed (refundedCents: the panel's refund form, the REST API's
 * expectedRefundedCents), or, for a command with no screen before it (/refund), the moment they sent it, read on this
 * instance's clock (every refund recorded after it is one they could not have known of).
 */
export type SeenRefunded = { refundedCents: number } | { sentAt: Date };

type Meanwhile = Pick<Refund, 'amountCents' | 'actorType' | 'actorId' | 'createdAt' | 'externalRefundId'>;
type Reads = Pick<Tx, 'refund' | 'tenant' | 'adminUser' | 'apiKey' | 'customer' | 'discordAdminName' | '$queryRaw'>;
type OrderNow = Pick<Order, 'id' | 'tenantId' | 'number' | 'totalCents' | 'refundedTotalCents' | 'currency'>;

/**
 * Refuses (CONFLICT, nothing written) when a refund was recorded on `order` since the admin saw it, in the words of
 * `reader` (the actor type of the one asking). Called inside the refund's transaction after the order's row lock (and by
 * the preview, without one, so a form shown before a refund meanwhile is told at once). `clock` is the one a `sentAt`
 * was read on.
 */
export async function refuseIfRefundedMeanwhile(
  db: Reads,
  order: OrderNow,
  seen: SeenRefunded,
  reader: RefusalReader,
  clock: Clock,
): Promise<void> {
  const refunds = await db.refund.findMany({
    where: { orderId: order.id, tenantId: order.tenantId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { amountCents: true, actorType: true, actorId: true, createdAt: true, externalRefundId: true },
  });
  let meanwhile: Meanwhile[];
  let shown = seen;
  if ('sentAt' in seen) {
    // The send time on the database's clock, the one the refunds are dated by.
    const sentAt = await onDatabaseClock(db, seen.sentAt, clock);
    shown = { sentAt };
    meanwhile = refunds.filter((r) => r.createdAt > sentAt);
    if (!meanwhile.length) return;
  } else {
    if (order.refundedTotalCents === seen.refundedCents) return;
    // The newest refunds that make up the difference: the ones recorded since the form was opened. None do when the
    // amount sent is more than the order has refunded, or an amount it never had (a caller's wrong number).
    const since = newestMakingUp(refunds, order.refundedTotalCents - seen.refundedCents);
    if (!since) throw refundedNotMatching(order, seen.refundedCents);
    meanwhile = since;
  }
  meanwhile.reverse(); // oldest first, as they happened
  const tenant = await db.tenant.findUnique({ where: { id: order.tenantId }, select: { timeZone: true } });
  const inDiscord = reader === 'DISCORD_ADMIN';
  const parts: string[] = [];
  for (const r of meanwhile) {
    // A Discord timestamp shows in the reader's own time zone; elsewhere the shop's, as the order page's history.
    const when = inDiscord ? `<t:${Math.floor(r.createdAt.getTime() / 1000)}:f>` : formatDateTime(r.createdAt, tenant?.timeZone ?? 'UTC');
    // One made at the provider (its dashboard) is dated when Ledgerline learned of it, which may be long after it was
    // made (a lost webhook): said so, not passed off as the time it was made.
    if (r.externalRefundId) {
      parts.push(`${money(order, r.amountCents)} at the payment provider (learned ${when})`);
      continue;
    }
    const by = await actorsForReader(db, order.tenantId, [r], reader, () => 'Ledgerline');
    parts.push(`${money(order, r.amountCents)} by ${by} (${when})`);
  }
  throw refundedMeanwhile(order, parts, shown, meanwhile);
}

const money = (order: OrderNow, cents: number) => formatMoney(cents, order.currency);

/** Where the order stands now: "$20.00 refunded, $30.00 left to refund". */
function standing(order: OrderNow): string {
  return `${money(order, order.refundedTotalCents)} refunded, ${money(order, order.totalCents - order.refundedTotalCents)} left to refund`;
}

const NOT_REFUNDED =
  'This refund was not made: nothing was refunded, no money was sent and no stock changed, so nothing is refunded twice.';

/**
 * A refusal of this file: its headline (what happened) is also details.headline, so a surface that words the rest its
 * own way (the REST API: read the order again) takes it as it is.
 */
function refusal(order: OrderNow, headline: string, tail: string, details: Record<string, unknown>): AppError {
  return new AppError('CONFLICT', `${headline} ${tail}`, {
    headline,
    refundedCents: order.refundedTotalCents,
    remainingCents: order.totalCents - order.refundedTotalCents,
    ...details,
  });
}

function refundedMeanwhile(order: OrderNow, parts: readonly string[], seen: SeenRefunded, meanwhile: readonly Meanwhile[]): AppError {
  return refusal(
    order,
    `Order ${orderLabel(order)} was refunded meanwhile: ${parts.join('; ')}. It now has ${standing(order)}.`,
    `${NOT_REFUNDED} Check the order, then refund again if the customer is still owed more.`,
    {
      ...('refundedCents' in seen ? { refundedCentsShown: seen.refundedCents } : { sentAt: seen.sentAt.toISOString() }),
      refundedMeanwhile: meanwhile.map((r) => ({
        amountCents: r.amountCents,
        actorType: r.actorType,
        actorId: r.actorId,
        createdAt: r.createdAt.toISOString(),
      })),
    },
  );
}

/** The refusal of an amount refunded sent that the order does not have and never had since: no refund meanwhile explains it. */
function refundedNotMatching(order: OrderNow, refundedSent: number): AppError {
  return refusal(
    order,
    `The amount refunded sent with this (${money(order, refundedSent)}) does not match what order ${orderLabel(order)} has refunded: ${standing(order)}.`,
    `${NOT_REFUNDED} Check the order, then refund again.`,
    { refundedCentsShown: refundedSent, refundedMeanwhile: [] },
  );
}
