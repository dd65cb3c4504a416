// Issue 13, digital goods "delivered by DM in the same receipt and shown in /orders detail": paying an order
// of a key product and a download-link product sends ONE receipt DM that carries the key and the link (the
// keys are taken in the payment's transaction, the receipt job runs after its commit); /orders detail (a
// signed interaction) shows them in full; after a refund of the key product the key is marked revoked.
import { expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { commandInteraction, componentInteraction, interact, member, messageOf, useHarness, textOf } from './harness.js';
import { waitForJobsDone } from '../helpers/job-queue.js';
import { waitFor } from '../helpers/wait-for.js';

const f = factories();

const h = useHarness({ worker: true });

it('the receipt DM carries the licence key and download link; /orders detail shows them; a refund marks the key revoked', async () => {
  const s = await f.shop();
  const tenantId = s.tenant.id;
  const keyProduct = await f.product({ tenantId, name: 'Game key', trackStock: true, stock: 0 });
  await h.t.services.digitalGoods.uploadKeys(adminCtx(tenantId), keyProduct.id, 'key\nKEY-AAAA-0001\nKEY-AAAA-0002');
  const linkProduct = await f.product({
    tenantId,
    name: 'Soundtrack',
    digitalKind: 'DOWNLOAD_LINK',
    downloadUrl: 'https://files.example/ost.zip',
  });
  const order = await f.order({
    tenantId,
    customerId: s.customer.id,
    guildId: s.guild.id,
    lines: [
      { productId: keyProduct.id, name: 'Game key', quantity: 1, unitPriceCents: 1000 },
      { productId: linkProduct.id, name: 'Soundtrack', quantity: 1, unitPriceCents: 500 },
    ],
  });

  await h.t.services.payments.confirm(adminCtx(tenantId), { orderId: order.id });
  const dmsOf = () => h.fake.directMessages().filter((m) => m.userId === s.customer.discordUserId);
  const receipt = await waitFor('the receipt DM', () =>
    dmsOf().find((m) => JSON.stringify(m.body).includes(`receipt for order #${order.number}`)),
  );
  const body = JSON.stringify(receipt.body);
  // Which of the two keys is taken is not ordered (SKIP LOCKED takes any free one): the one given to this order.
  const given = await h.t.services.db.productKey.findMany({ where: { orderId: order.id }, select: { code: true } });
  expect(given).toHaveLength(1);
  const key = given[0]!.code;
  const other = key === 'KEY-AAAA-0001' ? 'KEY-AAAA-0002' : 'KEY-AAAA-0001';
  expect(body).toContain('Your digital items');
  expect(body).toContain(key);
  expect(body).not.toContain(other);
  expect(body).toContain('https://files.example/ost.zip');
  // No separate keys DM: the key reaches the customer once, in the receipt (checked once every job the payment
  // added has run, so a keys DM would have been sent by then).
  await waitForJobsDone();
  expect(dmsOf().filter((m) => JSON.stringify(m.body).includes(key))).toHaveLength(1);
  expect(dmsOf().filter((m) => JSON.stringify(m.body).includes('Your digital items for order'))).toEqual([]);

  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId, roles: [] }) };
  const list = await interact(h, commandInteraction(as, 'orders'));
  const paid = textOf(await interact(h, componentInteraction(as, `orders:detail:${order.id}:0`, { message: messageOf(list) })));
  expect(paid).toContain('Digital items');
  expect(paid).toContain(`\`${key}\``);
  expect(paid).not.toContain('revoked');
  expect(paid).toContain('https://files.example/ost.zip');

  await h.t.services.refunds.refund(adminCtx(tenantId), order.id, { items: [{ productId: keyProduct.id, quantity: 1 }] });
  const refunded = textOf(await interact(h, componentInteraction(as, `orders:detail:${order.id}:0`, { message: messageOf(list) })));
  expect(refunded).toContain(`\`${key}\` — revoked (refunded)`);
  expect(refunded).toContain('https://files.example/ost.zip'); // the link product was not refunded
});

it('an order of another customer shows nothing of its keys', async () => {
  const s = await f.shop();
  const other = await f.customer({ tenantId: s.tenant.id });
  const keyProduct = await f.product({ tenantId: s.tenant.id, name: 'Game key', trackStock: true, stock: 0 });
  await h.t.services.digitalGoods.uploadKeys(adminCtx(s.tenant.id), keyProduct.id, 'KEY-OTHER-1');
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId: other.id,
    lines: [{ productId: keyProduct.id, quantity: 1, unitPriceCents: 1000 }],
  });
  await h.t.services.payments.confirm(adminCtx(s.tenant.id), { orderId: order.id });
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId, roles: [] }) };
  const list = await interact(h, commandInteraction(as, 'orders'));
  const res = await interact(h, componentInteraction(as, `orders:detail:${order.id}:0`, { message: messageOf(list) }));
  expect(textOf(res)).not.toContain('KEY-OTHER-1');
});
