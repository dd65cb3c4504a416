// The TaxJar sync of one order (task tax.transactions.sync, tax-sync.enqueue.ts). Compares what the order
// should look like at TaxJar with what was filed (tax_transactions) and makes the calls that close the gap:
// - a paid order (not cancelled, not deleted): its order transaction and one refund transaction per refund
//   are created (POST), or updated (PUT) when what we would send changed since it was filed;
// - a paid order that was then cancelled or deleted: its refund transactions, then its order transaction,
//   are deleted (DELETE).
// Idempotent, so a retry after a lost answer converges: a create refused as already filed (422) becomes an
// update, an update of an unknown transaction (404) a create, a delete of an unknown one is done. Any other
// failure (TaxJar down, 5xx, timeout) throws: graphile-worker retries with backoff and nothing is lost.
// No lock is held during a call; one order's syncs never overlap (queue per order).
import type { Order, OrderItem, Refund, TaxTransaction, TaxTransactionKind, Tenant } from '../../generated/prisma/index.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/prisma.js';
import type { EventBus } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/logger.js';
import { EVENTS, orderPaidPayload, orderRefundedPayload } from '../shared/events.js';
import type { TaxFilingPort, TransactionKind } from './tax-filing.port.js';
import { enqueueTaxSync, TAX_SYNC_TASK, taxSyncPayload } from './tax-sync.enqueue.js';
import { filedTerms, orderTransaction, refundTransaction, type FromAddress } from './tax-transactions.js';
import { taxjarCovers } from './taxjar-money.js';

export interface TaxSyncDeps {
  db: Db;
  filing: TaxFilingPort;
  clock: Clock;
  logger: Logger;
}

interface Wanted {
  kind: TaxTransactionKind;
  transactionId: string;
  refundId: string | null;
  body: Record<string, unknown>;
}

export function registerTaxJobs(bus: EventBus, deps: TaxSyncDeps): void {
  bus.registerTask(TAX_SYNC_TASK, { schema: taxSyncPayload, run: (p) => syncOrderTaxes(deps, p.tenantId, p.orderId) });
  // Payment confirmation (manual, processor) emits order.paid, and every refund (a paid order's cancellation
  // included) order.refunded, in their transactions; these subscriber jobs turn them into the order's sync.
  bus.subscribe(EVENTS.orderPaid, 'tax-sync', { schema: orderPaidPayload, run: (p) => enqueueTaxSync(deps.db, p.tenantId, p.orderId) });
  bus.subscribe(EVENTS.orderRefunded, 'tax-sync', {
    schema: orderRefundedPayload,
    run: (p) => enqueueTaxSync(deps.db, p.tenantId, p.orderId),
  });
}

const kindOf = (k: TaxTransactionKind): TransactionKind => (k === 'ORDER' ? 'order' : 'refund');

export async function syncOrderTaxes(deps: TaxSyncDeps, tenantId: string, orderId: string): Promise<void> {
  const { db, filing } = deps;
  const tenant = await db.tenant.findUnique({ where: { id: tenantId } });
  if (!tenant?.taxjarApiKey) return; // no key: nothing can be filed or removed (enabling TaxJar later does not backfill)
  const filed = await db.taxTransaction.findMany({ where: { tenantId, orderId, removedAt: null } });
  const order = await db.order.findFirst({
    where: { id: orderId, tenantId },
    include: { items: true, refunds: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
  });
  const reportable = order !== null && order.status !== 'PENDING_PAYMENT' && order.status !== 'CANCELLED';
  if (reportable && filed.length === 0 && !filesFromNowOn(tenant, order)) return; // never filed, and not to be now
  // A sale already filed keeps the terms it was filed with (tax-transactions.ts, filedTerms).
  const filedOrder = filed.find((f) => f.kind === 'ORDER' && f.transactionId === orderId);
  const wanted = reportable ? await wantedFor(db, order, (tenant.taxjarFromAddress ?? {}) as FromAddress, filedOrder?.payload) : [];

  // Removals first, refunds before their order (TaxJar refunds reference the order).
  const gone = filed
    .filter((f) => !wanted.some((w) => w.transactionId === f.transactionId))
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'REFUND' ? -1 : 1));
  for (const f of gone) {
    await filing.remove(tenant, kindOf(f.kind), f.transactionId); // 'ok' or 'missing': either way it is gone
    await db.taxTransaction.update({ where: { id: f.id }, data: { removedAt: deps.clock.now() } });
  }
  // Then creates and updates, the order before its refunds.
  for (const w of wanted) {
    const current = filed.find((f) => f.transactionId === w.transactionId);
    if (current && canonical(current.payload) === canonical(w.body)) continue;
    await file(deps, tenant, orderId, w, current);
  }
}

/**
 * Whether an order never filed is filed now: TaxJar is on and the order was paid while it was (not before it
 * was last switched on: a refund of an older order must not file a sale the shop may have reported itself for a
 * period it already closed). Filing is not backfilled; an order already filed is kept in line whatever this says.
 */
function filesFromNowOn(tenant: Tenant, order: Order): boolean {
  // TaxJar files US sales in US dollars (taxjar-money.ts): an order in another currency is not its to file.
  if (!tenant.taxjarEnabled || !taxjarCovers(order.currency)) return false;
  return !tenant.taxjarEnabledAt || !order.paidAt || order.paidAt >= tenant.taxjarEnabledAt;
}

async function file(deps: TaxSyncDeps, tenant: Tenant, orderId: string, w: Wanted, current: TaxTransaction | undefined): Promise<void> {
  const kind = kindOf(w.kind);
  let outcome = current ? await deps.filing.update(tenant, kind, w.body) : await deps.filing.create(tenant, kind, w.body);
  if (!current && outcome === 'exists')
    outcome = await deps.filing.update(tenant, kind, w.body); // an earlier attempt's answer was lost
  else if (current && outcome === 'missing') outcome = await deps.filing.create(tenant, kind, w.body); // removed at TaxJar by hand
  if (outcome !== 'ok') throw new Error(`TaxJar ${kind} transaction ${w.transactionId} could not be filed (${outcome}); retrying`);
  const now = deps.clock.now();
  const data = { payload: w.body as object, filedAt: now, removedAt: null };
  await deps.db.taxTransaction.upsert({
    where: { tenantId_transactionId: { tenantId: tenant.id, transactionId: w.transactionId } },
    create: { tenantId: tenant.id, orderId, refundId: w.refundId, kind: w.kind, transactionId: w.transactionId, ...data },
    update: data,
  });
  deps.logger.info(
    { tenantId: tenant.id, transactionId: w.transactionId, kind, action: current ? 'updated' : 'created' },
    'TaxJar transaction filed',
  );
}

async function wantedFor(
  db: Db,
  order: Order & { items: OrderItem[]; refunds: Refund[] },
  from: FromAddress,
  filedOrder: unknown,
): Promise<Wanted[]> {
  const products = await db.product.findMany({
    where: { tenantId: order.tenantId, id: { in: order.items.map((i) => i.productId) } },
    select: { id: true, taxCode: true },
  });
  const taxCodes = new Map(products.map((p) => [p.id, p.taxCode]));
  const input = { order, ...(filedOrder === undefined ? { taxCodes, from } : filedTerms(filedOrder, { taxCodes })) };
  return [
    { kind: 'ORDER', transactionId: order.id, refundId: null, body: orderTransaction(input) },
    ...order.refunds.map((r): Wanted => ({ kind: 'REFUND', transactionId: r.id, refundId: r.id, body: refundTransaction(input, r) })),
  ];
}

/** JSON with sorted keys: jsonb does not keep key order, so stored and new bodies compare by content. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
