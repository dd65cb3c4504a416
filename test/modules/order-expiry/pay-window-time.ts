// Time for an unpaid order's pay window in tests. Its expiry reads the database's clock (database-now.ts), whose
// now() a test cannot move (moving the app's clock no longer makes an order due): the order's deadline moves instead.
import type { Db } from '../../../src/platform/db/prisma.js';
import { SQL_DATABASE_NOW } from '../../../src/platform/db/database-now.js';

/** `secs` of the order's pay window pass by the database's clock: its deadline comes that much closer. The deadline as it now stands. */
export async function passPayWindowTime(db: Db, orderId: string, secs: number): Promise<Date> {
  const [row] = await db.$queryRaw<{ paymentDueAt: Date }[]>`
    UPDATE orders SET "paymentDueAt" = "paymentDueAt" - make_interval(secs => ${secs}::float8) WHERE id = ${orderId} RETURNING "paymentDueAt"`;
  return row!.paymentDueAt;
}

/** Sets the order's deadline `secs` from the database's now (past when negative). The deadline as it now stands. */
export async function payWindowDueIn(db: Db, orderId: string, secs: number): Promise<Date> {
  const [row] = await db.$queryRaw<{ paymentDueAt: Date }[]>`
    UPDATE orders SET "paymentDueAt" = ${SQL_DATABASE_NOW} + make_interval(secs => ${secs}::float8) WHERE id = ${orderId} RETURNING "paymentDueAt"`;
  return row!.paymentDueAt;
}
