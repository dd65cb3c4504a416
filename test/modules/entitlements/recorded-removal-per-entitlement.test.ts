// A shop whose removal policy is RECORD keeps a moderator's removal on the entitlement it was recorded on, not on the
// customer and role for ever: a refund of that order ends the record, and the same role bought again is given on a
// rejoin (it stayed off: the customer paid and had no role, and no Retry could help). And when a customer holds a role
// through two orders, one whose grant Discord refused does not hide the one that was given: a moderator's removal of
// the role is recorded (it was ignored, and the reconciliation then gave the role back).
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../refunds/after-sale.harness.js';
import { useRoleJobs } from './role-jobs.harness.js';
import { waitFor } from '../../helpers/wait-for.js';

const rj = useRoleJobs();
const { db, s, discord, events, grantOf } = rj;

/** A RECORD shop with VIP (and the bot able to give it), a customer in its server, and a product of VIP to buy. */
const shopWithVip = () => rj.vipHolder('RECORD');

describe('a recorded removal belongs to its entitlement', () => {
  it('refunded, then the role bought again: a rejoin gives the new purchase its role', async () => {
    const m = await shopWithVip();
    const first = await m.buy();
    discord.guilds.takeRole(m.guildId, m.userId, m.vip);
    await events.rolesChanged(m.guildId, m.userId, []);
    expect(await grantOf(first.ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'REMOVED_EXTERNALLY' });
    await s.refunds.refund(adminCtx(m.tenantId), first.order.id, {});
    const second = await m.buy();
    expect(discord.guilds.memberRoles(m.guildId, m.userId)).toEqual([m.vip]);

    discord.guilds.removeMember(m.guildId, m.userId);
    discord.guilds.addMember(m.guildId, m.userId);
    expect(await events.joined(m.guildId, m.userId)).toEqual({ regranted: 1 });
    await waitFor('the role given back', () => discord.guilds.memberRoles(m.guildId, m.userId)?.includes(m.vip));
    // The job records DONE once Discord has answered, a moment after the role shows in the fake: wait for it (the
    // assertion read it at once, and failed when the machine was busy).
    await waitFor('the new grant recorded as done', async () => (await grantOf(second.ent.id)).state === 'DONE');
  });

  it("a moderator's removal is recorded though an older order's grant of the role was refused", async () => {
    const m = await shopWithVip();
    const first = await m.buy();
    // The first grant as Discord refused it (the bot's role was too low then); the shop fixed the bot, and the
    // customer bought the role again, which was given.
    await db.roleChange.update({
      where: { entitlementId_action: { entitlementId: first.ent.id, action: 'GRANT' } },
      data: { state: 'FAILED', failureKind: 'MISSING_PERMISSION', failureMessage: 'the bot could not' },
    });
    const second = await m.buy();
    expect(discord.guilds.memberRoles(m.guildId, m.userId)).toEqual([m.vip]);

    discord.guilds.takeRole(m.guildId, m.userId, m.vip);
    expect(await events.rolesChanged(m.guildId, m.userId, [])).toEqual({ removed: [m.vip], reapplied: false });
    expect(await grantOf(second.ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'REMOVED_EXTERNALLY' });
    // The refused grant keeps its own reason.
    expect(await grantOf(first.ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'MISSING_PERMISSION' });
  });
});
