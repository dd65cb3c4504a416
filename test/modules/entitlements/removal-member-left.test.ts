// A refund (or an expiry) of a customer who has left the server: Discord answers the role's removal with 10007
// Unknown Member, and a member who left holds no role (Discord does not keep roles across a leave; only our
// rejoin handler gives back what GRANTED entitlements owe, and a revoked one owes nothing). The removal is done,
// not a failure: Role changes must not list it as FAILED "given back when they rejoin; Retry once they are back".
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../refunds/after-sale.harness.js';
import { useRoleJobs } from './role-jobs.harness.js';

const rj = useRoleJobs();
const { db, s, discord, settled } = rj;

describe('removing the role of a member who left', () => {
  it('a refund after the customer left: the removal is DONE (nothing to retry), audited as removed', async () => {
    const m = await rj.vipHolder();
    const { order, ent } = await m.buy();

    discord.guilds.removeMember(m.guildId, m.userId); // left the server (and its roles with it)
    await s.refunds.refund(adminCtx(m.tenantId), order.id, { items: [{ productId: m.product.id, quantity: 1 }] });

    const removal = await settled(ent.id, 'REVOKE');
    expect(removal).toMatchObject({ state: 'DONE', failureKind: null, failureMessage: null });
    const actions = (await s.audit.listFor(m.tenantId, 'Entitlement', ent.id)).map((a) => a.action);
    expect(actions).toContain('entitlement.role_removed');
    expect(actions).not.toContain('entitlement.revoke_failed');
    expect(await db.roleChange.count({ where: { tenantId: m.tenantId, state: 'FAILED' } })).toBe(0);
  });
});
