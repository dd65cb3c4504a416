// /orders as a customer reads it: each order's status and shipping in words (not the stored enums
// PENDING_PAYMENT, PARTIALLY_REFUNDED, PENDING), and a shipped order's tracking number with its carrier's page.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { commandInteraction, componentInteraction, interact, member, messageOf, textOf, useHarness } from './harness.js';

const h = useHarness();
const f = factories();

type Reply = Awaited<ReturnType<typeof interact>>;
const field = (reply: Reply, name: string) => reply.data.embeds?.[0]?.fields?.find((x) => x.name === name)?.value;

describe('/orders in words', () => {
  it('lists and shows statuses as words, with the tracking link of a shipped order', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const unpaid = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, createdAt: new Date('2026-11-01T10:00:00Z') });
    const partly = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      status: 'PARTIALLY_REFUNDED',
      createdAt: new Date('2026-11-02T10:00:00Z'),
    });
    const shipped = await f.order({
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      status: 'SHIPPED',
      shippingStatus: 'SHIPPED',
      trackingNumber: '1Z999AA10123456784',
      shippingCarrier: 'UPS',
      createdAt: new Date('2026-11-03T10:00:00Z'),
    });

    const list = await interact(h, commandInteraction(as, 'orders'));
    const text = textOf(list);
    expect(text).toContain(`**#${shipped.number}** · Shipped ·`);
    expect(text).toContain(`**#${partly.number}** · Partially refunded ·`);
    expect(text).toContain(`**#${unpaid.number}** · Awaiting payment ·`);
    expect(text).not.toMatch(/PENDING_PAYMENT|PARTIALLY_REFUNDED|SHIPPED/);

    const unpaidDetail = await interact(h, componentInteraction(as, `orders:detail:${unpaid.id}:0`, { message: messageOf(list) }));
    expect(field(unpaidDetail, 'Status')).toBe('Awaiting payment');
    expect(field(unpaidDetail, 'Shipping')).toBe('Not shipped yet');
    expect(field(unpaidDetail, 'Tracking')).toBeUndefined();
    // The field is titled "Pay by": its value is the deadline, not "Pay by" a second time.
    expect(field(unpaidDetail, 'Pay by')).toMatch(/^<t:\d+:f> \(<t:\d+:R>\): an order still unpaid then is cancelled/);

    const shippedDetail = await interact(h, componentInteraction(as, `orders:detail:${shipped.id}:0`, { message: messageOf(list) }));
    expect(field(shippedDetail, 'Status')).toBe('Shipped');
    expect(field(shippedDetail, 'Shipping')).toBe('Shipped');
    expect(field(shippedDetail, 'Tracking')).toBe(
      '`1Z999AA10123456784` (UPS)\nhttps://www.ups.com/track?loc=en_US&tracknum=1Z999AA10123456784',
    );
  });
});
