// The refund sweep dates its reads, and judges them due again, by the database's clock (refund-sweep.ts), not the
// app's movable clock: a test that wants a checkout read again moves its last read back in the database.
import type { Db } from '../../../src/platform/db/prisma.js';

/**
 * The sweep's last reads of `ids` made `seconds` earlier by the database's clock: a live checkout's refundCheckedAt and
 * refundCheckDueAt, a deleted order's kept row's lateCheckedAt, moved back by that much (as moving the app's clock on
 * did when the sweep dated its reads by it).
 */
export async function sweepReadsEarlier(db: Db, seconds: number, ids: string[]): Promise<void> {
  await db.$executeRaw`UPDATE payment_checkouts SET "refundCheckedAt" = "refundCheckedAt" - make_interval(secs => ${seconds}::float8),
    "refundCheckDueAt" = "refundCheckDueAt" - make_interval(secs => ${seconds}::float8) WHERE id = ANY (${ids})`;
  await db.$executeRaw`UPDATE deleted_order_checkouts SET "lateCheckedAt" = "lateCheckedAt" - make_interval(secs => ${seconds}::float8)
    WHERE id = ANY (${ids})`;
}
