// A shop whose removal policy is RECORD: a moderator took a paid role and the listener recorded it (grant FAILED,
// REMOVED_EXTERNALLY; the shop's Retry gives it back). Leaving the server and joining again must not give it back
// behind the shop's back (the record vanished from Role changes and the role was back). Under REAPPLY a rejoin gives back everything, as before.
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

/** A shop with `policy` whose customer bought VIP and holds it; then a moderator takes it and the listener hears it. */
async function removedByModerator(policy: 'RECORD' | 'REAPPLY') {
  const tenant = await f.tenant();
  await db.tenant.update({ where: { id: tenant.id }, data: { roleRemovalPolicy: policy } });
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
  const order = await f.order({
    tenantId: tenant.id,
    customerId: customer.id,
    guildId: guild.id,
    lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }],
  });
  await s.payments.confirm(adminCtx(tenant.id), { orderId: order.id });
  const ent = await db.entitlement.findFirstOrThrow({ where: { orderId: order.id } });
  await waitFor('the grant done', async () => (await grantOf(ent.id)).state === 'DONE');
  const userId = customer.discordUserId;
  discord.guilds.takeRole(guild.id, userId, vip);
  await events.rolesChanged(guild.id, userId, []);
  return { tenantId: tenant.id, guildId: guild.id, userId, vip, ent };
}

describe('a rejoin and the shop removal policy', () => {
  it('RECORD: a removal the shop recorded stays off after the member leaves and rejoins; the record stays', async () => {
    const m = await removedByModerator('RECORD');
    expect(await grantOf(m.ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'REMOVED_EXTERNALLY' });
    discord.guilds.removeMember(m.guildId, m.userId);
    discord.guilds.addMember(m.guildId, m.userId);

    expect(await events.joined(m.guildId, m.userId)).toEqual({ regranted: 0 });
    // Nothing was queued: the record is as the listener left it, and the member still lacks the role.
    expect(await grantOf(m.ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'REMOVED_EXTERNALLY' });
    expect(discord.guilds.memberRoles(m.guildId, m.userId)).toEqual([]);
  });

  it('REAPPLY: a rejoin gives the role back', async () => {
    const m = await removedByModerator('REAPPLY');
    await waitFor('the listener gave it back', () => discord.guilds.memberRoles(m.guildId, m.userId)?.includes(m.vip));
    await waitFor('the regrant done', async () => (await grantOf(m.ent.id)).state === 'DONE');
    discord.guilds.removeMember(m.guildId, m.userId);
    discord.guilds.addMember(m.guildId, m.userId);
    expect(await events.joined(m.guildId, m.userId)).toEqual({ regranted: 1 });
    await waitFor('the role back', () => discord.guilds.memberRoles(m.guildId, m.userId)?.includes(m.vip));
  });
});
