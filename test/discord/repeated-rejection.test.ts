// A rejection that changes nothing (the payment was rejected already, or the order cancelled otherwise) says
// so: it does not name the clicking admin as the one who rejected, and shows the reason the customer was sent,
// not the one just typed (which was neither recorded nor sent). Before, the second admin read "Already rejected
// by <@them>: <their reason>" (found by interaction-fuzz.property.test.ts).
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { componentInteraction, interact, member, modalInteraction, textOf, useHarness } from './harness.js';

const f = factories();
const h = useHarness();

async function unpaidOrder() {
  const s = await f.shop();
  const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, guildId: s.guild.id });
  const admin = (id?: string) => ({ guildId: s.guild.id, user: member({ id, roles: [s.tenant.adminRoleIds[0]!] }) });
  const customer = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  return { order, admin, customer };
}

describe('rejecting a payment that was already decided', () => {
  it('shows the recorded reason and does not name the second admin as the one who rejected', async () => {
    const { order, admin } = await unpaidOrder();
    const first = admin();
    const second = admin();
    const r1 = await interact(h, modalInteraction(first, `payment:reject-modal:${order.payment.id}`, { reason: 'No payment received' }));
    expect(textOf(r1)).toContain(`Rejected by <@${first.user.id}>: No payment received`);
    const r2 = await interact(h, modalInteraction(second, `payment:reject-modal:${order.payment.id}`, { reason: 'Wrong amount' }));
    const text = textOf(r2);
    expect(text).toContain('Already rejected');
    expect(text).toContain('No payment received');
    expect(text).not.toContain('Wrong amount');
    expect(text).not.toContain(`rejected by <@${second.user.id}>`);
    expect(text).not.toContain(`Rejected by <@${second.user.id}>`);
  });

  it('says the order was cancelled otherwise, not that the payment was rejected', async () => {
    const { order, admin, customer } = await unpaidOrder();
    const cancelled = await interact(h, componentInteraction(customer, `orders:cancel-confirm:${order.id}:0`));
    expect(textOf(cancelled)).toMatch(/cancelled/i);
    const someone = admin();
    const res = await interact(h, modalInteraction(someone, `payment:reject-modal:${order.payment.id}`, { reason: 'Wrong amount' }));
    const text = textOf(res);
    expect(text).toContain('The order was already cancelled, so the payment was not rejected');
    expect(text).toContain(`Order #${order.number} · already cancelled`);
    expect(text).not.toContain('payment rejected');
    expect(text).not.toContain('Wrong amount');
    expect(text).not.toContain(`rejected by <@${someone.user.id}>`);
  });
});
