import { describe, expect, it } from 'vitest';
import { changedFields, SECRET_MASK } from './audit-diff.js';
import { describeAction, fieldLabel, presentTimeline } from './audit-timeline.js';
import { actorKey } from './actor-names.js';

const entry = (over: Partial<Parameters<typeof presentTimeline>[0][number]> = {}) => ({
  id: 'aud_1',
  action: 'product.updated',
  actorType: 'PANEL_ADMIN' as const,
  actorId: 'adm_1',
  before: { unitPriceCents: 2500, requiredRoleIds: ['111'] },
  after: { unitPriceCents: 3000, requiredRoleIds: ['111', '222'] },
  createdAt: new Date('2026-11-30T02:00:00Z'),
  ...over,
});

describe('audit timeline presenter', () => {
  it('says who did what, before -> after, money as money, in the shop time zone', () => {
    const [item] = presentTimeline([entry()], {
      timeZone: 'America/New_York',
      currency: 'USD',
      actors: new Map([[actorKey('PANEL_ADMIN', 'adm_1'), 'owner@shop.test']]),
      words: { requiredRoleIds: { '111': 'VIP', '222': 'Members' } },
    });
    expect(item).toMatchObject({ who: 'owner@shop.test', what: 'Changed the product', when: 'Nov 29, 2026, 9:00 PM EST' });
    expect(item!.changes).toEqual([
      { field: 'unitPriceCents', label: 'Unit price', before: '$25.00', after: '$30.00' },
      { field: 'requiredRoleIds', label: 'Required roles', before: 'VIP', after: 'VIP, Members' },
    ]);
  });

  it('lists newest first, names unknown actors by type, and shows empty as a dash', () => {
    const items = presentTimeline(
      [
        entry({ id: 'a', createdAt: new Date('2026-01-01T00:00:00Z') }),
        entry({
          id: 'b',
          actorType: 'SYSTEM',
          actorId: null,
          action: 'tenant.updated',
          before: { adminChannelId: null },
          after: { adminChannelId: '123' },
        }),
      ],
      { timeZone: 'UTC', currency: 'EUR', actorTypes: { SYSTEM: 'Ledgerline' } },
    );
    expect(items.map((i) => i.id)).toEqual(['b', 'a']);
    expect(items[0]).toMatchObject({
      who: 'Ledgerline',
      what: 'Changed the shop settings',
      changes: [{ label: 'Admin channel', before: '—', after: '123' }],
    });
  });

  it("reads stored objects as labelled fields, with ids in words (a refund's lines)", () => {
    const [item] = presentTimeline(
      [entry({ action: 'order.refunded', before: {}, after: { items: [{ productId: 'prod_1', quantity: 2, amountCents: 1250 }] } })],
      { timeZone: 'UTC', currency: 'USD', words: { productId: { prod_1: 'Sticker Pack' } } },
    );
    expect(item!.changes).toEqual([
      { field: 'items', label: 'Items', before: '—', after: 'Product: Sticker Pack, Quantity: 2, Amount: $12.50' },
    ]);
  });

  it("a creation lists what was typed, not the record's new id or its shop; a later change of shop is shown", () => {
    const [created, moved] = presentTimeline(
      [
        entry({ id: 'c', action: 'shipping_type.created', before: null, after: { id: 'shp_1', tenant: 'ten_1', name: 'Courier' } }),
        entry({ id: 'm', action: 'admin_user.updated', before: { tenantId: 'ten_1' }, after: { tenantId: 'ten_2' } }),
      ].map((e, i) => ({ ...e, createdAt: new Date(Date.UTC(2026, 0, 2 - i)) })),
      { timeZone: 'UTC', currency: 'USD' },
    );
    expect(created!.changes.map((c) => c.field)).toEqual(['name']);
    expect(moved!.changes.map((c) => c.field)).toEqual(['tenantId']);
  });

  it('words for actions and fields', () => {
    expect(describeAction('payment.confirmed')).toBe('Payment confirmed');
    expect(describeAction('order.items_changed')).toBe("Changed the order's items");
    expect(describeAction('shipping_type.created')).toBe('Created the shipping type');
    expect(fieldLabel('enabledPaymentMethods')).toBe('Enabled payment methods');
  });
});

describe('changedFields', () => {
  it('keeps only changed fields and masks secrets', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(
      changedFields(
        { name: 'A', sku: 'X', taxjarApiKey: 'old', updatedAt: at },
        { name: 'B', sku: 'X', taxjarApiKey: 'new', updatedAt: new Date() },
        { secrets: ['taxjarApiKey'] },
      ),
    ).toEqual({
      before: { name: 'A', taxjarApiKey: SECRET_MASK },
      after: { name: 'B', taxjarApiKey: SECRET_MASK },
    });
    expect(changedFields({ a: [1, 2] }, { a: [1, 2] })).toBeNull();
    expect(changedFields(null, { name: 'New', passwordHash: 'h' }, { secrets: ['passwordHash'] })).toEqual({
      before: {},
      after: { name: 'New', passwordHash: SECRET_MASK },
    });
  });

  it('leaves out a field recorded on both sides with the same value (a part payment keeps the status)', () => {
    const [item] = presentTimeline(
      [
        entry({
          action: 'payment.receipt_recorded',
          before: { amountReceivedCents: 0, status: 'PENDING_PAYMENT' },
          after: { amountReceivedCents: 1000, status: 'PENDING_PAYMENT', note: 'venmo' },
        }),
      ],
      { timeZone: 'UTC', currency: 'USD' },
    );
    expect(item!.changes.map((c) => c.field)).toEqual(['amountReceivedCents', 'note']);
  });
});
