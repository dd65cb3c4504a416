// services.orders.recordAdminMessage: where the order's admin-channel message was posted. The first post wins
// (a retried post job never repoints the order), another shop cannot set it, and the row's updatedAt moves as
// it does for any write; on the plain-SQL client and on Prisma alike.
import { describe, expect, it } from 'vitest';
import { createOrderService } from '../../../src/modules/orders/order.service.js';
import { testDb, testSql } from '../../helpers/db.js';
import { factories, snowflake } from '../../helpers/factories.js';

const db = testDb(3);
const f = factories(db);
const submit = () => Promise.reject(new Error('not used'));

describe('the admin message pointer', () => {
  for (const [name, sql] of [
    ['plain SQL', testSql(3)],
    ['Prisma', undefined],
  ] as const) {
    it(`first post wins, per shop (${name})`, async () => {
      const orders = createOrderService({ db, sql, submit });
      const tenant = await f.tenant();
      const other = await f.tenant();
      const customer = await f.customer({ tenantId: tenant.id });
      const order = await f.order({ tenantId: tenant.id, customerId: customer.id });
      const before = await db.order.findUniqueOrThrow({ where: { id: order.id } });

      await orders.recordAdminMessage(other.id, order.id, { channelId: snowflake(), messageId: snowflake() });
      expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toEqual(before);

      const first = { channelId: snowflake(), messageId: snowflake() };
      await orders.recordAdminMessage(tenant.id, order.id, first);
      await orders.recordAdminMessage(tenant.id, order.id, { channelId: snowflake(), messageId: snowflake() });
      const after = await db.order.findUniqueOrThrow({ where: { id: order.id } });
      expect(after).toEqual({
        ...before,
        adminMessageChannelId: first.channelId,
        adminMessageId: first.messageId,
        updatedAt: after.updatedAt,
      });
      expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    });
  }
});
