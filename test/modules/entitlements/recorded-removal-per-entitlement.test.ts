// A shop whose removal policy is RECORD keeps a moderator's removal on the entitlement it was recorded on, not on the
// customer and role for ever: a refund of that order ends the record, and the same role bought again is given on a
// rejoin (it stayed off: the customer paid and had no role, and no Retry could help). And when a customer holds a role
// through two orders, one whose grant Discord refused does not hide the one that was given: a moderator's removal of
// the role is recorded (it was ignored, and the reconciliation then gave the role back).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../../src/dev/fake-discord-api.js';
import { PERMISSIONS } from '../../../src/dev/fakes/fake-discord-guilds.js';
import { createMemberEvents } from '../../../src/modules/entitlements/member-events.js';
import { registerEntitlementJobs } from '../../../src/modules/entitlements/role-jobs.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { createDiscordRoleGateway } from '../../../src/adapters/discord/role-gateway.discord.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { factories, snowflake } from '../../helpers/factories.js';
import { adminCtx, afterSale } from '../refunds/after-sale.harness.js';
import { waitFor } from '../../helpers/wait-for.js';

const db = testDb(30);
const f = factories(db);
const s = afterSale(db);
const discord = new FakeDiscordApi();
const events = createMemberEvents({ db, audit: s.audit, logger: s.logger });
let worker: WorkerHandle;

beforeAll(async () => {
  await discord.start();
  const rest = createDiscordRest({ apiBaseUrl: discord.apiBase, botToken: 'test-token' });
  registerEntitlementJobs(s.bus, { db, audit: s.audit, logger: s.logger, gateway: createDiscordRoleGateway(rest) });
  worker = await startWorker({ connectionString: testDatabaseUrl(), bus: s.bus, logger: s.logger, concurrency: 2, pollIntervalMs: 50 });
});
afterAll(async () => {
  await worker?.stop();
  await discord.stop();
});

const grantOf = (entitlementId: string) =>
  db.roleChange.findUniqueOrThrow({ where: { entitlementId_action: { entitlementId, action: 'GRANT' } } });

/** A RECORD shop with VIP (and the bot able to give it), a customer in its server, and a paid order of VIP. */
async function shopWithVip() {
  const tenant = await f.tenant();
  await db.tenant.update({ where: { id: tenant.id }, data: { roleRemovalPolicy: 'RECORD' } });
  const guild = await f.guild({ tenantId: tenant.id });
  const customer = await f.customer({ tenantId: tenant.id });
  const vip = snowflake();
  const botRole = snowflake();
  discord.guilds.addGuild(guild.id, {
    roles: [
      { id: vip, name: 'VIP', position: 5, permissions: '0' },
      { id: botRole, name: 'Ledgerline', position: 10, permissions: PERMISSIONS.MANAGE_ROLES.toString() },
    ],
    botRoleIds: [botRole],
  });
  discord.guilds.addMember(guild.id, customer.discordUserId);
  const product = await f.product({ tenantId: tenant.id, grantedRoleIds: [vip] });
  const buy = async () => {
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }],
    });
    await s.payments.confirm(adminCtx(tenant.id), { orderId: order.id });
    const ent = await db.entitlement.findFirstOrThrow({ where: { orderId: order.id } });
    await waitFor('the grant done', async () => (await grantOf(ent.id)).state === 'DONE');
    return { order, ent };
  };
  return { tenantId: tenant.id, guildId: guild.id, userId: customer.discordUserId, vip, buy };
}

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
    expect((await grantOf(second.ent.id)).state).toBe('DONE');
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
