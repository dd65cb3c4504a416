// A Discord server moved to another shop (a platform admin changes its shop under Settings → Discord servers; an
// order keeps the server it was placed in). The first shop's role jobs must no longer change roles there: the
// server's roles are the new shop's to give and take, and the old shop's rule "keep a role another order still
// justifies" only sees its own orders. Its refund removed a role the new shop's order entitled, and its late
// payment gave a role in the other shop's server. Both are now refused for good, in words, under Role changes.
import { describe, expect, it } from 'vitest';
import { snowflake } from '../../helpers/factories.js';
import { adminCtx } from '../refunds/after-sale.harness.js';
import { useRoleJobs } from './role-jobs.harness.js';

const rj = useRoleJobs();
const { db, f, s, discord, settled } = rj;

async function placeOrder(tenantId: string, customerId: string, guildId: string, productId: string) {
  return f.order({ tenantId, customerId, guildId, lines: [{ productId, quantity: 1, unitPriceCents: 1500 }] });
}

/**
 * Shop A's server with a VIP role the bot can give; shop B, not linked to it yet; a member of the server, a customer
 * of shop A, with an order of A's VIP placed there (not paid yet).
 */
async function twoShops() {
  const a = await f.tenant();
  const b = await f.tenant();
  const guild = await f.guild({ tenantId: a.id });
  const { vip } = rj.vipGuild(guild.id);
  const productA = await f.product({ tenantId: a.id, grantedRoleIds: [vip] });
  const productB = await f.product({ tenantId: b.id, grantedRoleIds: [vip] });
  const userId = snowflake();
  discord.guilds.addMember(guild.id, userId);
  const inA = await f.customer({ tenantId: a.id, discordUserId: userId });
  const orderA = await placeOrder(a.id, inA.id, guild.id, productA.id);
  return { a: a.id, b: b.id, guildId: guild.id, vip, productA, productB, userId, orderA };
}

/** The shop's admin confirms the order's payment; its entitlement (the grant queued). */
async function confirmPaid(tenantId: string, orderId: string) {
  await s.payments.confirm(adminCtx(tenantId), { orderId });
  return db.entitlement.findFirstOrThrow({ where: { orderId } });
}

describe("a server moved to another shop: the first shop's role jobs leave it alone", () => {
  it("shop A's refund does not take a role shop B's order entitles", async () => {
    const { userId, orderA, ...sh } = await twoShops();
    const entA = await confirmPaid(sh.a, orderA.id);
    expect((await settled(entA.id, 'GRANT')).state).toBe('DONE');

    // The platform moves the server to shop B; the same member buys B's VIP there.
    await db.guild.update({ where: { id: sh.guildId }, data: { tenantId: sh.b } });
    const inB = await f.customer({ tenantId: sh.b, discordUserId: userId });
    const orderB = await placeOrder(sh.b, inB.id, sh.guildId, sh.productB.id);
    const entB = await confirmPaid(sh.b, orderB.id);
    expect((await settled(entB.id, 'GRANT')).state).toBe('DONE');

    await s.refunds.refund(adminCtx(sh.a), orderA.id, { items: [{ productId: sh.productA.id, quantity: 1 }] });
    const removal = await settled(entA.id, 'REVOKE');
    expect(discord.guilds.memberRoles(sh.guildId, userId)).toEqual([sh.vip]);
    expect(removal).toMatchObject({ state: 'FAILED', failureKind: 'SERVER_NOT_LINKED' });
    expect(removal.failureMessage).toMatch(/linked to another shop/);
  });

  it("shop A's payment after the move gives no role in shop B's server", async () => {
    const { userId, orderA, ...sh } = await twoShops(); // orderA placed before the move
    await db.guild.update({ where: { id: sh.guildId }, data: { tenantId: sh.b } });
    const entA = await confirmPaid(sh.a, orderA.id);
    const grant = await settled(entA.id, 'GRANT');
    expect(discord.guilds.memberRoles(sh.guildId, userId)).toEqual([]);
    expect(grant).toMatchObject({ state: 'FAILED', failureKind: 'SERVER_NOT_LINKED' });
  });

  it('a server unlinked from the shop (no shop): refused too, saying so', async () => {
    const { userId, orderA, ...sh } = await twoShops();
    await db.guild.delete({ where: { id: sh.guildId } });
    const entA = await confirmPaid(sh.a, orderA.id);
    const grant = await settled(entA.id, 'GRANT');
    expect(discord.guilds.memberRoles(sh.guildId, userId)).toEqual([]);
    expect(grant).toMatchObject({ state: 'FAILED', failureKind: 'SERVER_NOT_LINKED' });
    expect(grant.failureMessage).toMatch(/no longer linked to the shop/);
  });

  it('the reconciliation of shop A owes nothing in its other server for an order placed in the moved one', async () => {
    const { userId, orderA, ...sh } = await twoShops();
    const entA = await confirmPaid(sh.a, orderA.id);
    expect((await settled(entA.id, 'GRANT')).state).toBe('DONE');
    // Shop A links another server first in line (the member is there too), then its old one moves to shop B.
    const other = await f.guild({ tenantId: sh.a, createdAt: new Date(Date.now() - 86_400_000) });
    discord.guilds.addGuild(other.id, { roles: [], botRoleIds: [] });
    discord.guilds.addMember(other.id, userId);
    await db.guild.update({ where: { id: sh.guildId }, data: { tenantId: sh.b } });

    const report = await rj.repair.reconcile(adminCtx(sh.a));
    expect(report.regranted).toEqual([]);
    expect(
      (await db.roleChange.findUniqueOrThrow({ where: { entitlementId_action: { entitlementId: entA.id, action: 'GRANT' } } })).state,
    ).toBe('DONE');
  });
});
