// A refund (or an expiry) after the role was deleted from the server: Discord answers the removal with 10011 Unknown
// Role, and a role that no longer exists is held by nobody. The removal is done, not a failure: Role changes must
// not list it as FAILED "Correct the product's roles, then Retry" (neither helps, and the customer holds nothing).
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../refunds/after-sale.harness.js';
import { useRoleJobs } from './role-jobs.harness.js';

const rj = useRoleJobs();
const { db, s, discord, settled } = rj;

describe('removing a role deleted from the server', () => {
  it('a refund after the role was deleted: the removal is DONE (nothing to retry), audited as removed', async () => {
    const m = await rj.vipHolder();
    const { order, ent } = await m.buy();

    // An admin deletes VIP in Server Settings: members lose it, and Discord answers 10011 for it from now on.
    discord.guilds.takeRole(m.guildId, m.userId, m.vip);
    discord.fail({
      method: 'DELETE',
      path: new RegExp(`/guilds/${m.guildId}/members/${m.userId}/roles/${m.vip}$`),
      status: 404,
      body: { message: 'Unknown Role', code: 10011 },
    });
    await s.refunds.refund(adminCtx(m.tenantId), order.id, { items: [{ productId: m.product.id, quantity: 1 }] });

    const removal = await settled(ent.id, 'REVOKE');
    expect(removal).toMatchObject({ state: 'DONE', failureKind: null, failureMessage: null });
    const actions = (await s.audit.listFor(m.tenantId, 'Entitlement', ent.id)).map((a) => a.action);
    expect(actions).toContain('entitlement.role_removed');
    expect(actions).not.toContain('entitlement.revoke_failed');
    expect(await db.roleChange.count({ where: { tenantId: m.tenantId, state: 'FAILED' } })).toBe(0);
  });
});
