import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { orderingFixture } from '../orders/ordering-fixture.js';

const db = testDb(20);
let fx: Awaited<ReturnType<typeof orderingFixture>>;
beforeAll(async () => {
  fx = await orderingFixture(db);
});
afterAll(() => fx.close());

const roles = { memberRoleIds: [] as string[] };

describe('order sessions', () => {
  it('walks the state machine COLLECTING_ITEMS -> COLLECTING_SHIPPING -> SELECTING_PAYMENT -> READY_TO_SUBMIT', async () => {
    const s = await fx.shop();
    const c = await fx.f.customer({ tenantId: s.tenant.id });
    const { session, resumed } = await fx.services.orderSessions.start(s.tenant.id, c.id, { guildId: s.guild.id });
    expect(resumed).toBe(false);
    expect(session.state).toBe('COLLECTING_ITEMS');
    expect(session.guildId).toBe(s.guild.id);
    const withItem = await fx.services.orderSessions.setItem(s.tenant.id, c.id, { productId: s.product.id, quantity: 2, ...roles });
    expect(withItem.state).toBe('COLLECTING_SHIPPING');
    expect(withItem.items).toEqual([
      expect.objectContaining({ productId: s.product.id, quantity: 2, unitPriceCents: 2500, lineTotalCents: 5000 }),
    ]);
    expect(withItem.subtotalCents).toBe(5000);
    const withAddress = await fx.services.orderSessions.setAddress(s.tenant.id, c.id, { address: fx.address });
    expect(withAddress.state).toBe('SELECTING_PAYMENT');
    await fx.services.orderSessions.setShippingType(s.tenant.id, c.id, s.shippingType.id);
    const ready = await fx.services.orderSessions.setPaymentMethod(s.tenant.id, c.id, 'ZELLE');
    expect(ready.state).toBe('READY_TO_SUBMIT');
    expect(ready.paymentMethod).toBe('ZELLE');
    // Changing the quantity keeps it ready; removing the last item goes back to the start.
    expect((await fx.services.orderSessions.setItem(s.tenant.id, c.id, { productId: s.product.id, quantity: 3, ...roles })).state).toBe(
      'READY_TO_SUBMIT',
    );
    expect((await fx.services.orderSessions.removeItem(s.tenant.id, c.id, s.product.id)).state).toBe('COLLECTING_ITEMS');
  });

  it('reuses a saved address (same place, or exactly the same fields) and refreshes its recipient name', async () => {
    const s = await fx.shop();
    const c = await fx.f.customer({ tenantId: s.tenant.id });
    const os = fx.services.orderSessions;
    await os.start(s.tenant.id, c.id);
    await os.setItem(s.tenant.id, c.id, { productId: s.product.id, quantity: 1, ...roles });
    const first = await os.setAddress(s.tenant.id, c.id, { address: fx.address });
    // The same fields again with another name, then the same place written differently, then a new place.
    const renamed = await os.setAddress(s.tenant.id, c.id, { address: { ...fx.address, name: 'Sam Other' } });
    expect(renamed).toMatchObject({
      state: 'SELECTING_PAYMENT',
      address: { id: first.address!.id, name: 'Sam Other', line1: fx.address.line1 },
      pendingAddress: null,
    });
    // Without a name the saved one is kept.
    const { name: _name, ...unnamed } = fx.address;
    const spaced = await os.setAddress(s.tenant.id, c.id, { address: { ...unnamed, line1: ` ${fx.address.line1.toUpperCase()} ` } });
    expect(spaced.address).toMatchObject({ id: first.address!.id, name: 'Sam Other' });
    await os.setShippingType(s.tenant.id, c.id, s.shippingType.id);
    await os.setPaymentMethod(s.tenant.id, c.id, 'ZELLE');
    expect((await os.setAddress(s.tenant.id, c.id, { address: unnamed })).state).toBe('READY_TO_SUBMIT');
    const moved = await os.setAddress(s.tenant.id, c.id, { address: { ...fx.address, line1: '9 Other Rd' } });
    expect(moved.address!.id).not.toBe(first.address!.id);
    const saved = await fx.services.customers.listAddresses(s.tenant.id, c.id);
    expect(saved.map((a) => a.id).sort()).toEqual([first.address!.id, moved.address!.id].sort());
    expect(saved.find((a) => a.id === first.address!.id)).toMatchObject({ name: 'Sam Other', line1: fx.address.line1 });
    expect(await os.getActive(s.tenant.id, c.id)).toMatchObject({ address: { id: moved.address!.id }, state: 'READY_TO_SUBMIT' });
  });

  it('keeps one active session per customer: starting again (even concurrently) resumes it', async () => {
    const s = await fx.shop();
    const c = await fx.f.customer({ tenantId: s.tenant.id });
    const results = await Promise.all(Array.from({ length: 8 }, () => fx.services.orderSessions.start(s.tenant.id, c.id)));
    expect(new Set(results.map((r) => r.session.id)).size).toBe(1);
    expect(results.filter((r) => !r.resumed)).toHaveLength(1);
    expect(await db.orderSession.count({ where: { customerId: c.id } })).toBe(1);
  });

  it('loses no change when steps on one session run concurrently (compare-and-set)', async () => {
    const s = await fx.shop();
    const products = await Promise.all(
      Array.from({ length: 6 }, (_, i) => fx.f.product({ tenantId: s.tenant.id, unitPriceCents: 100 * (i + 1) })),
    );
    const c = await fx.f.customer({ tenantId: s.tenant.id });
    await fx.services.orderSessions.start(s.tenant.id, c.id);
    await Promise.all(
      products.map((p, i) => fx.services.orderSessions.setItem(s.tenant.id, c.id, { productId: p.id, quantity: i + 1, ...roles })),
    );
    const view = await fx.services.orderSessions.getActive(s.tenant.id, c.id);
    expect(view?.items.map((i) => [i.productId, i.quantity]).sort()).toEqual(products.map((p, i) => [p.id, i + 1]).sort());
    expect(view?.state).toBe('COLLECTING_SHIPPING');
    expect(view?.subtotalCents).toBe(products.reduce((t, _p, i) => t + 100 * (i + 1) * (i + 1), 0));
  });

  it('refuses illegal steps with clear codes', async () => {
    const s = await fx.shop();
    const c = await fx.f.customer({ tenantId: s.tenant.id });
    const os = fx.services.orderSessions;
    await expect(os.setItem(s.tenant.id, c.id, { productId: s.product.id, quantity: 1, ...roles })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    }); // no session yet
    await os.start(s.tenant.id, c.id);
    await expect(os.setAddress(s.tenant.id, c.id, { address: fx.address })).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
    await expect(fx.services.orders.submit(s.tenant.id, c.id, roles)).rejects.toMatchObject({ code: 'SESSION_EMPTY' });
    await expect(os.review(s.tenant.id, c.id)).rejects.toMatchObject({ code: 'SESSION_EMPTY' });
    await os.setItem(s.tenant.id, c.id, { productId: s.product.id, quantity: 1, ...roles });
    await expect(os.setPaymentMethod(s.tenant.id, c.id, 'ZELLE')).rejects.toMatchObject({
      code: 'ILLEGAL_STATE',
      message: expect.stringMatching(/address/),
    });
    await expect(fx.services.orders.submit(s.tenant.id, c.id, roles)).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
    await os.setAddress(s.tenant.id, c.id, { address: fx.address });
    await expect(os.setPaymentMethod(s.tenant.id, c.id, 'ZELLE')).rejects.toMatchObject({
      code: 'ILLEGAL_STATE',
      message: expect.stringMatching(/shipping/),
    });
    await os.setShippingType(s.tenant.id, c.id, s.shippingType.id);
    await expect(os.setPaymentMethod(s.tenant.id, c.id, 'CHIME')).rejects.toMatchObject({ code: 'PAYMENT_METHOD_NOT_ENABLED' });
    await expect(os.setPaymentMethod(s.tenant.id, c.id, 'BITCOIN')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(os.setItem(s.tenant.id, c.id, { productId: s.product.id, quantity: -1, ...roles })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(os.setAddress(s.tenant.id, c.id, { address: { ...fx.address, country: 'United States' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect((await os.getActive(s.tenant.id, c.id))?.state).toBe('SELECTING_PAYMENT');
  });

  it('refuses a role-gated product to a member without the role, at setItem and again at submit', async () => {
    const s = await fx.shop();
    const vip = await fx.f.product({ tenantId: s.tenant.id, requiredRoleIds: ['role-vip'], unitPriceCents: 9900 });
    const c = await fx.f.customer({ tenantId: s.tenant.id });
    const os = fx.services.orderSessions;
    await os.start(s.tenant.id, c.id);
    await expect(os.setItem(s.tenant.id, c.id, { productId: vip.id, quantity: 1, memberRoleIds: ['role-other'] })).rejects.toMatchObject({
      code: 'ROLE_REQUIRED',
    });
    // Added while the member held the role; submitted after losing it.
    await os.setItem(s.tenant.id, c.id, { productId: vip.id, quantity: 1, memberRoleIds: ['role-vip'] });
    await os.setAddress(s.tenant.id, c.id, { address: fx.address });
    await os.setShippingType(s.tenant.id, c.id, s.shippingType.id);
    await os.setPaymentMethod(s.tenant.id, c.id, 'ZELLE');
    await expect(fx.services.orders.submit(s.tenant.id, c.id, { memberRoleIds: ['role-other'] })).rejects.toMatchObject({
      code: 'ROLE_REQUIRED',
      details: { productId: vip.id },
    });
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(0);
    const ok = await fx.services.orders.submit(s.tenant.id, c.id, { memberRoleIds: ['role-vip'] });
    expect(ok.created).toBe(true);
    expect(await fx.services.catalog.listProducts(s.tenant.id, { memberRoleIds: [] })).not.toContainEqual(
      expect.objectContaining({ id: vip.id }),
    );
    expect(await fx.services.catalog.listProducts(s.tenant.id, { memberRoleIds: ['role-vip'] })).toContainEqual(
      expect.objectContaining({ id: vip.id }),
    );
  });

  it('refuses a product that became inactive at submit, naming it', async () => {
    const s = await fx.shop();
    const c = await fx.readyCustomer(s);
    await db.product.update({ where: { id: s.product.id }, data: { active: false } });
    await expect(fx.services.orders.submit(s.tenant.id, c.id, roles)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(s.product.name),
    });
  });

  it('expires after the TTL without activity: no submit, and the next start opens a new session', async () => {
    const s = await fx.shop();
    const c = await fx.readyCustomer(s);
    const first = await fx.services.orderSessions.getActive(s.tenant.id, c.id);
    fx.clock.advanceMinutes(29);
    await fx.services.orderSessions.setPaymentMethod(s.tenant.id, c.id, 'VENMO_P2P'); // activity extends the session
    fx.clock.advanceMinutes(29);
    expect((await fx.services.orderSessions.getActive(s.tenant.id, c.id))?.id).toBe(first?.id);
    fx.clock.advanceMinutes(2);
    try {
      await expect(fx.services.orders.submit(s.tenant.id, c.id, roles)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
      await expect(
        fx.services.orderSessions.setItem(s.tenant.id, c.id, { productId: s.product.id, quantity: 1, ...roles }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await fx.services.orderSessions.getActive(s.tenant.id, c.id)).toBeNull();
      const again = await fx.services.orderSessions.start(s.tenant.id, c.id);
      expect(again.resumed).toBe(false);
      expect(again.session.id).not.toBe(first?.id);
      expect(again.session.items).toEqual([]);
      expect(await db.orderSession.findUnique({ where: { id: first!.id } })).toMatchObject({ endReason: 'EXPIRED', activeSlot: null });
      expect(await db.order.count({ where: { customerId: c.id } })).toBe(0);
    } finally {
      fx.clock.offsetMs = 0;
    }
  });

  it('saves a new address for reuse, and reuses a saved one by id (most recently used first)', async () => {
    const s = await fx.shop();
    const c = await fx.f.customer({ tenantId: s.tenant.id });
    const os = fx.services.orderSessions;
    await os.start(s.tenant.id, c.id);
    await os.setItem(s.tenant.id, c.id, { productId: s.product.id, quantity: 1, ...roles });
    const a = await os.setAddress(s.tenant.id, c.id, { address: fx.address });
    const b = await os.setAddress(s.tenant.id, c.id, { address: { ...fx.address, line1: '9 Elm St' } });
    // The same place entered again (other case and spacing) is the saved one, not a duplicate.
    const a2 = await os.setAddress(s.tenant.id, c.id, { address: { ...fx.address, line1: '123  main st' } });
    expect(a2.address?.id).toBe(a.address?.id);
    const saved = await fx.services.customers.listAddresses(s.tenant.id, c.id);
    expect(saved.map((x) => x.id)).toEqual([a.address!.id, b.address!.id]);
    const reused = await os.setAddress(s.tenant.id, c.id, { addressId: b.address!.id });
    expect(reused.address).toMatchObject({ id: b.address!.id, line1: '9 Elm St' });
    expect((await fx.services.customers.listAddresses(s.tenant.id, c.id))[0]?.id).toBe(b.address!.id);
    await os.cancel(s.tenant.id, c.id);
    expect(await os.getActive(s.tenant.id, c.id)).toBeNull();
  });

  it('setItem reads the saved addresses with its write when the address step comes next, in listAddresses order', async () => {
    const s = await fx.shop();
    const c = await fx.f.customer({ tenantId: s.tenant.id });
    const other = await fx.f.customer({ tenantId: s.tenant.id });
    const at = (iso: string) => new Date(iso);
    const old = await fx.f.address({ tenantId: s.tenant.id, customerId: c.id, line1: '1 Old Rd', lastUsedAt: at('2026-01-01T00:00:00Z') });
    const recent = await fx.f.address({
      tenantId: s.tenant.id,
      customerId: c.id,
      line1: '2 New Rd',
      lastUsedAt: at('2026-06-01T00:00:00Z'),
    });
    await fx.f.address({ tenantId: s.tenant.id, customerId: other.id, line1: '3 Not Yours Rd' });
    const os = fx.services.orderSessions;
    await os.start(s.tenant.id, c.id);
    const first = await os.setItem(s.tenant.id, c.id, { productId: s.product.id, quantity: 2, ...roles });
    const listed = await fx.services.customers.listAddresses(s.tenant.id, c.id);
    expect(listed.map((a) => a.id)).toEqual([recent.id, old.id]);
    // Exactly what the address screen would have read on its own: same rows, same order, same fields.
    expect(first.savedAddresses).toEqual(
      listed.map(({ id, name, nameTyped, line1, line2, city, state, postalCode, country }) => ({
        id,
        name,
        nameTyped,
        line1,
        line2,
        city,
        state,
        postalCode,
        country,
      })),
    );
    expect(first.items).toMatchObject([{ productId: s.product.id, quantity: 2 }]);
    // Once the session has an address, the next screen is not the address step: nothing extra is read.
    await os.setAddress(s.tenant.id, c.id, { addressId: old.id });
    const second = await os.setItem(s.tenant.id, c.id, { productId: s.product.id, quantity: 3, ...roles });
    expect(second.savedAddresses).toBeUndefined();
    expect(second.address?.id).toBe(old.id);
    // A customer with none gets an empty list (the address screen then only offers "Enter new address").
    const fresh = await fx.f.customer({ tenantId: s.tenant.id });
    await os.start(s.tenant.id, fresh.id);
    expect((await os.setItem(s.tenant.id, fresh.id, { productId: s.product.id, quantity: 1, ...roles })).savedAddresses).toEqual([]);
  });

  it("a new session comes with the shop's active products, exactly as the product menu would read them", async () => {
    const s = await fx.shop();
    const other = await fx.shop();
    const c = await fx.f.customer({ tenantId: s.tenant.id });
    await fx.f.product({ tenantId: s.tenant.id, name: 'Aardvark mug', sortOrder: 5 });
    await fx.f.product({ tenantId: s.tenant.id, name: 'Retired', active: false });
    await fx.f.product({ tenantId: s.tenant.id, name: 'VIP hoodie', requiredRoleIds: ['role-vip'], sortOrder: -1 });
    await fx.f.product({ tenantId: other.tenant.id, name: 'Not this shop' });
    const os = fx.services.orderSessions;
    const { session, resumed } = await os.start(s.tenant.id, c.id);
    expect(resumed).toBe(false);
    // Same rows, order, fields and types as listProducts (role gates are the caller's, as with listProducts' option).
    const listed = await fx.services.catalog.listProducts(s.tenant.id);
    expect(listed.map((p) => p.name)).toEqual(['VIP hoodie', s.product.name, 'Aardvark mug']);
    expect(session.activeProducts).toEqual(listed);
    expect(session.activeProducts![0]!.createdAt).toBeInstanceOf(Date);
    // A resumed session is past the menu or reads it itself: nothing extra.
    const again = await os.start(s.tenant.id, c.id);
    expect(again.resumed).toBe(true);
    expect(again.session.activeProducts).toBeUndefined();
  });

  it('holds a suggested address until the customer accepts it or keeps the original', async () => {
    const s = await fx.shop();
    const c = await fx.f.customer({ tenantId: s.tenant.id });
    const os = fx.services.orderSessions;
    await os.start(s.tenant.id, c.id);
    await os.setItem(s.tenant.id, c.id, { productId: s.product.id, quantity: 1, ...roles });
    await expect(os.acceptCorrectedAddress(s.tenant.id, c.id)).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
    const suggested = { ...fx.address, line1: '123 N Main St', postalCode: '62701-1234' };
    const pending = await os.setPendingAddress(s.tenant.id, c.id, { original: fx.address, suggested });
    expect(pending.pendingAddress).toEqual({ original: fx.address, suggested });
    expect(pending.state).toBe('COLLECTING_SHIPPING');
    const accepted = await os.acceptCorrectedAddress(s.tenant.id, c.id);
    expect(accepted.address).toMatchObject({ line1: '123 N Main St', postalCode: '62701-1234' });
    expect(accepted.pendingAddress).toBeNull();
    expect(accepted.state).toBe('SELECTING_PAYMENT');
    await os.setPendingAddress(s.tenant.id, c.id, { original: fx.address, suggested });
    expect((await os.keepOriginalAddress(s.tenant.id, c.id)).address).toMatchObject({ line1: '123 Main St', postalCode: '62701' });
  });

  it("never lets one tenant touch another tenant's sessions, products, addresses or shipping types", async () => {
    const a = await fx.shop();
    const b = await fx.shop();
    const ca = await fx.readyCustomer(a);
    const cb = await fx.f.customer({ tenantId: b.tenant.id });
    const addrA = (await fx.services.customers.listAddresses(a.tenant.id, ca.id))[0]!;
    const os = fx.services.orderSessions;
    // Tenant B's calls with tenant A's customer id see nothing.
    expect(await os.getActive(b.tenant.id, ca.id)).toBeNull();
    await expect(os.start(b.tenant.id, ca.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(os.cancel(b.tenant.id, ca.id)).resolves.toEqual({ cancelled: false });
    expect(await fx.services.customers.listAddresses(b.tenant.id, ca.id)).toEqual([]);
    // Tenant B's customer cannot use tenant A's product, address or shipping type.
    await os.start(b.tenant.id, cb.id);
    await expect(os.setItem(b.tenant.id, cb.id, { productId: a.product.id, quantity: 1, ...roles })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await os.setItem(b.tenant.id, cb.id, { productId: b.product.id, quantity: 1, ...roles });
    await expect(os.setAddress(b.tenant.id, cb.id, { addressId: addrA.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(os.setShippingType(b.tenant.id, cb.id, a.shippingType.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(fx.services.catalog.getProduct(b.tenant.id, a.product.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await fx.services.catalog.listProducts(b.tenant.id)).map((p) => p.id)).toEqual([b.product.id]);
    expect((await fx.services.catalog.listShippingTypes(b.tenant.id)).map((t) => t.id)).toEqual([b.shippingType.id]);
    // Tenant A's session is untouched.
    expect((await os.getActive(a.tenant.id, ca.id))?.state).toBe('READY_TO_SUBMIT');
  });
});
