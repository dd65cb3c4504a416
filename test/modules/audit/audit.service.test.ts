import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { afterSale } from '../refunds/after-sale.harness.js';

const db = testDb();
const f = factories(db);
const s = afterSale(db);

describe('audit', () => {
  it('records actor, action, entity and JSON-safe before/after, and lists per tenant and entity, oldest first', async () => {
    const t1 = await f.tenant();
    const t2 = await f.tenant();
    const at = new Date('2026-01-02T03:04:05.000Z');
    await s.audit.record(
      db,
      { tenantId: t1.id, actor: { type: 'DISCORD_ADMIN', id: '123' } },
      {
        action: 'order.updated',
        entityType: 'Order',
        entityId: 'ord_1',
        before: { status: 'PAID', at },
        after: { status: 'SHIPPED', skipped: undefined },
      },
    );
    await s.audit.record(
      db,
      { tenantId: t1.id, actor: { type: 'SYSTEM' } },
      { action: 'order.refunded', entityType: 'Order', entityId: 'ord_1' },
    );
    await s.audit.record(
      db,
      { tenantId: t2.id, actor: { type: 'SYSTEM' } },
      { action: 'order.updated', entityType: 'Order', entityId: 'ord_1' },
    );

    const rows = await s.audit.listFor(t1.id, 'Order', 'ord_1');
    expect(rows.map((r) => r.action)).toEqual(['order.updated', 'order.refunded']);
    expect(rows[0]).toMatchObject({
      actorType: 'DISCORD_ADMIN',
      actorId: '123',
      before: { status: 'PAID', at: '2026-01-02T03:04:05.000Z' },
      after: { status: 'SHIPPED' },
    });
    expect(rows[1]).toMatchObject({ actorType: 'SYSTEM', actorId: null, before: null, after: null });
  });

  it('an entry written in a transaction that rolls back does not exist', async () => {
    const t = await f.tenant();
    await db
      .$transaction(async (tx) => {
        await s.audit.record(tx, { tenantId: t.id, actor: { type: 'SYSTEM' } }, { action: 'x', entityType: 'Order', entityId: 'ord_rb' });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await s.audit.listFor(t.id, 'Order', 'ord_rb')).toEqual([]);
  });
});
