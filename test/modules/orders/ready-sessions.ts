// Writes READY_TO_SUBMIT sessions straight to the database, for tests that need hundreds of customers
// (walking each through the service steps would dominate the run time). Shapes match what the steps write.
import type { Db } from '../../../src/platform/db/prisma.js';
import { factories } from '../../helpers/factories.js';

export async function readySessionsDirect(
  db: Db,
  s: { tenant: { id: string }; guild: { id: string }; shippingType: { id: string }; product: { id: string } },
  count: number,
  opts: { quantity?: number } = {},
) {
  const f = factories(db);
  const out: { customerId: string; sessionId: string }[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, async () => {
        const c = await f.customer({ tenantId: s.tenant.id });
        const a = await f.address({ tenantId: s.tenant.id, customerId: c.id });
        const ses = await f.orderSession({
          tenantId: s.tenant.id,
          customerId: c.id,
          guildId: s.guild.id,
          state: 'READY_TO_SUBMIT',
          addressId: a.id,
          shippingTypeId: s.shippingType.id,
          paymentMethod: 'VENMO_P2P',
        });
        await f.orderSessionItem({ sessionId: ses.id, productId: s.product.id, quantity: opts.quantity ?? 1 });
        return { customerId: c.id, sessionId: ses.id };
      }),
    );
    out.push(...batch);
  }
  return out;
}

export async function jobCount(db: Db, task: string, tenantId: string): Promise<number> {
  const rows = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = ${task} AND j.payload->>'tenantId' = ${tenantId}`;
  return Number(rows[0]?.n ?? 0);
}
