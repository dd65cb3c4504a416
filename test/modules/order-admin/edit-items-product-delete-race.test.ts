// An admin adds a product to an unpaid order while another deletes that product in the panel. order_items has no
// foreign key to products, and the delete's rule counts the product's order lines (catalog/ordered-product.ts, under
// the product's row lock). A delete before the edit's stock reservation makes the edit fail (the reservation finds no
// product); before, one after it and before the edit's commit counted no line, deleted the product, and the order
// kept a line for nothing (a role or download product: paid, and no role or key given). The edit now holds the
// products it adds (FOR KEY SHARE), as submit does: the delete waits for it, then sees the line and refuses.
import { describe, expect, it } from 'vitest';
import { assertProductNotOrdered } from '../../../src/modules/catalog/ordered-product.js';
import { createInventoryService } from '../../../src/modules/inventory/inventory.service.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { useRowLockWatch } from '../../helpers/row-lock-watch.js';
import { waitFor } from '../../helpers/wait-for.js';
import { afterSale } from '../refunds/after-sale.harness.js';

const db = testDb(30);
const s = afterSale(db);
const f = factories(db);
const locks = useRowLockWatch();

/** The panel's product delete (scoped-resource.ts delete with catalog.resources.ts refusesOrderedProductDelete): the row locked, the rule, the delete. */
const deleteInPanel = (product: { id: string; tenantId: string; name: string }) =>
  db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe('SELECT 1 FROM "products" WHERE id = $1 FOR UPDATE', product.id);
    await assertProductNotOrdered(tx, product);
    await tx.product.deleteMany({ where: { id: product.id, tenantId: product.tenantId } });
  });

describe('adding a product to an order while it is deleted', () => {
  it('the delete waits for the edit, then refuses: the order keeps a line for a product that exists', async () => {
    const { tenant, customer } = await f.shop();
    const tee = await f.product({ tenantId: tenant.id, unitPriceCents: 2000, trackStock: true, stock: 10 });
    const vip = await f.product({ tenantId: tenant.id, name: 'VIP role', unitPriceCents: 900, trackStock: false });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      lines: [{ productId: tee.id, quantity: 1, unitPriceCents: 2000 }],
    });
    await db.$transaction((tx) =>
      createInventoryService().reserveForOrder(tx, { tenantId: tenant.id, orderId: order.id, lines: [{ productId: tee.id, quantity: 1 }] }),
    );

    // The edit is held after its reservation, the last step that reads the products (it found no missing product:
    // the delete has not run yet), at its audit entry: the acting Discord admin's name changed, and its row is held.
    const admin = { tenantId: tenant.id, actor: { type: 'DISCORD_ADMIN' as const, id: '111122223333444455', label: 'New name' } };
    await db.$executeRaw`INSERT INTO discord_admin_names ("tenantId", "discordUserId", name, "updatedAt") VALUES (${tenant.id}, ${admin.actor.id}, 'Old name', now())`;
    const holder = await locks.holdRow('SELECT 1 FROM discord_admin_names WHERE "tenantId" = $1 AND "discordUserId" = $2 FOR UPDATE', [
      tenant.id,
      admin.actor.id,
    ]);
    const editing = s.orderAdmin.update(admin, order.id, {
      items: [
        { productId: tee.id, quantity: 1 },
        { productId: vip.id, quantity: 1 },
      ],
    });
    const editPid = await locks.oneWaitingOn('the edit, its lines reserved, waiting at its audit entry', [holder]);
    const deleting = deleteInPanel(vip).then(
      () => 'deleted',
      (e: unknown) => e,
    );
    let settled = false;
    void deleting.then(() => (settled = true));
    // The delete either finished already (nothing held it: the old code) or waits on the edit.
    await waitFor('the delete to finish or to wait on the edit', async () => settled || (await locks.waitingOn([editPid])).length === 1);
    await locks.release();

    const edited = await editing;
    expect(edited.items.map((i) => i.productId).sort()).toEqual([tee.id, vip.id].sort());
    expect(await deleting).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('"VIP role" is on an order, so it cannot be deleted'),
    });
    expect(await db.product.count({ where: { id: vip.id } })).toBe(1);
  });
});
