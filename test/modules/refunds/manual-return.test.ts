// The by-hand return of a refund's money (P2P and manually confirmed payments): the refund row records the
// method as a to-do; markManualReturnDone ticks it once (audited, tenant-scoped); processor refunds have none.
import { afterAll, describe, expect, it } from 'vitest';
import { MANUAL_RETURN_DONE_AUDIT } from '../../../src/modules/refunds/refund.service.js';
import { testDb } from '../../helpers/db.js';
import { adminCtx } from '../../helpers/actors.js';
import { factories } from '../../helpers/factories.js';
import { processorRefundSetup } from '../processor-refunds/processor-refund.fixture.js';
import { paidOrderFixture } from './after-sale.harness.js';

const db = testDb(30);
const t = await processorRefundSetup(db);
const s = t.s;
afterAll(async () => {
  await t.fake.stop();
});

const doneEntries = async (tenantId: string, orderId: string) =>
  (await s.audit.listFor(tenantId, 'Order', orderId)).filter((e) => e.action === MANUAL_RETURN_DONE_AUDIT);

describe('manual return of a refund', () => {
  it('a refund of a P2P payment is a to-do with its method; ticking it records who and when, once, on the audit trail', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const { refund, moneyReturn } = await s.refunds.refund(ctx, order.id, { amountCents: 1500 });
    expect(moneyReturn).toBe('manual');
    expect(refund).toMatchObject({ manualReturnMethod: 'VENMO_P2P', manualReturnDoneAt: null });

    const done = await s.refunds.markManualReturnDone(ctx, refund.id);
    expect(done.changed).toBe(true);
    expect(done.refund).toMatchObject({ manualReturnDoneByType: 'PANEL_ADMIN', manualReturnDoneById: 'adm_test' });
    expect(done.refund.manualReturnDoneAt).toBeInstanceOf(Date);
    const entries = await doneEntries(ctx.tenantId, order.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorType: 'PANEL_ADMIN',
      actorId: 'adm_test',
      after: { refundId: refund.id, amountCents: 1500, method: 'VENMO_P2P' },
    });

    const again = await s.refunds.markManualReturnDone(ctx, refund.id);
    expect(again.changed).toBe(false);
    expect(again.refund.manualReturnDoneAt).toEqual(done.refund.manualReturnDoneAt);
    expect(await doneEntries(ctx.tenantId, order.id)).toHaveLength(1);
  });

  it('two ticks at once record one change', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const { refund } = await s.refunds.refund(ctx, order.id, { amountCents: 100 });
    const results = await Promise.all([s.refunds.markManualReturnDone(ctx, refund.id), s.refunds.markManualReturnDone(ctx, refund.id)]);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(await doneEntries(ctx.tenantId, order.id)).toHaveLength(1);
  });

  it("another shop's admin cannot tick it (NOT_FOUND) and nothing changes", async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const { refund } = await s.refunds.refund(ctx, order.id, { amountCents: 100 });
    const other = await factories(db).tenant();
    await expect(s.refunds.markManualReturnDone(adminCtx(other.id), refund.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await db.refund.findUniqueOrThrow({ where: { id: refund.id } })).manualReturnDoneAt).toBeNull();
    expect(await db.auditLog.count({ where: { action: MANUAL_RETURN_DONE_AUDIT, entityId: order.id } })).toBe(0);
  });

  it('a processor-returned refund has no to-do and cannot be ticked', async () => {
    const { order, ctx } = await t.processorPaidOrder();
    const { refund, moneyReturn } = await s.refunds.refund(ctx, order.id, { amountCents: 500 });
    expect(moneyReturn).toBe('processor');
    expect(refund.manualReturnMethod).toBeNull();
    await expect(s.refunds.markManualReturnDone(ctx, refund.id)).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
  });

  it('the database refuses a done mark without a to-do', async () => {
    const { order, ctx } = await t.processorPaidOrder();
    const { refund } = await s.refunds.refund(ctx, order.id, { amountCents: 500 });
    await expect(
      db.refund.update({ where: { id: refund.id }, data: { manualReturnDoneAt: new Date(), manualReturnDoneByType: 'PANEL_ADMIN' } }),
    ).rejects.toThrow(/refunds_manual_return_done_valid/);
  });
});
