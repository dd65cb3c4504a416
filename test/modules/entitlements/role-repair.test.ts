// Failures visible and fixable, and reconciliation, through the real role jobs on graphile-worker, the
// Discord REST adapters and the fake Discord API's servers (roles with positions and permissions, members):
// a grant Discord refuses is recorded FAILED with the reason in words (naming both roles), Retry after the
// fix gives the role; the role check says what to fix before a product is saved; the reconciliation puts
// back a role that went missing and reports what it cannot repair.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordGuildDirectory } from '../../../src/adapters/discord/guild-directory.discord.js';
import { FakeDiscordApi } from '../../../src/dev/fake-discord-api.js';
import { PERMISSIONS } from '../../../src/dev/fakes/fake-discord-guilds.js';
import { registerReconcileJobs, RECONCILE_TASKS } from '../../../src/modules/entitlements/reconcile-jobs.js';
import { createRoleRepairService } from '../../../src/modules/entitlements/role-repair.service.js';
import { registerEntitlementJobs } from '../../../src/modules/entitlements/role-jobs.js';
import { systemClock } from '../../../src/platform/clock.js';
import { enqueueJob } from '../../../src/platform/jobs/queue.js';
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
let worker: WorkerHandle;
let repair: ReturnType<typeof createRoleRepairService>;

beforeAll(async () => {
  await discord.start();
  const rest = createDiscordRest({ apiBaseUrl: discord.apiBase, botToken: 'test-token' });
  repair = createRoleRepairService({
    db,
    clock: systemClock,
    audit: s.audit,
    logger: s.logger,
    directory: createDiscordGuildDirectory(rest),
  });
  registerEntitlementJobs(s.bus, {
    db,
    audit: s.audit,
    logger: s.logger,
    gateway: createDiscordRoleGateway(rest),
    roleCheck: repair.roleCheck,
  });
  registerReconcileJobs(s.bus, { db, roleRepair: repair });
  worker = await startWorker({ connectionString: testDatabaseUrl(), bus: s.bus, logger: s.logger, concurrency: 2, pollIntervalMs: 50 });
});
afterAll(async () => {
  await worker?.stop();
  await discord.stop();
});
beforeEach(() => discord.reset());

const MANAGE = PERMISSIONS.MANAGE_ROLES.toString();

/**
 * A shop whose server has a "VIP" role at position 5 and the bot's "Ledgerline" role at `botPosition`
 * with `botPermissions`; the customer is a member unless `memberPresent` is false.
 */
async function shop(opts: { botPosition?: number; botPermissions?: string; memberPresent?: boolean } = {}) {
  const tenant = await f.tenant();
  const guild = await f.guild({ tenantId: tenant.id, name: 'Hobby Hub' });
  const customer = await f.customer({ tenantId: tenant.id });
  const vip = snowflake();
  const botRole = snowflake();
  discord.guilds.addGuild(guild.id, {
    roles: [
      { id: vip, name: 'VIP', position: 5, permissions: '0' },
      { id: botRole, name: 'Ledgerline', position: opts.botPosition ?? 10, permissions: opts.botPermissions ?? MANAGE },
    ],
    botRoleIds: [botRole],
  });
  if (opts.memberPresent ?? true) discord.guilds.addMember(guild.id, customer.discordUserId);
  const product = await f.product({ tenantId: tenant.id, grantedRoleIds: [vip] });
  return { tenantId: tenant.id, guildId: guild.id, customer, userId: customer.discordUserId, vip, botRole, product };
}

async function pay(sh: Awaited<ReturnType<typeof shop>>) {
  const order = await f.order({
    tenantId: sh.tenantId,
    customerId: sh.customer.id,
    guildId: sh.guildId,
    lines: [{ productId: sh.product.id, quantity: 1, unitPriceCents: 1500 }],
  });
  await s.payments.confirm(adminCtx(sh.tenantId), { orderId: order.id });
  return db.entitlement.findFirstOrThrow({ where: { orderId: order.id } });
}

const changeOf = (entitlementId: string, action: 'GRANT' | 'REVOKE' = 'GRANT') =>
  db.roleChange.findUniqueOrThrow({ where: { entitlementId_action: { entitlementId, action } } });
const settled = (entitlementId: string, action: 'GRANT' | 'REVOKE' = 'GRANT') =>
  waitFor(`the ${action} to settle`, async () => {
    const c = await changeOf(entitlementId, action);
    return c.state !== 'PENDING' ? c : undefined;
  });

describe('failed role changes, in words, with Retry', () => {
  it("bot's role below the product's role: FAILED naming both roles; Retry after the fix gives the role", async () => {
    const sh = await shop({ botPosition: 2 });
    const ent = await pay(sh);
    expect((await changeOf(ent.id)).state).toBe('PENDING'); // recorded in the payment's transaction

    const failed = await settled(ent.id);
    expect(failed).toMatchObject({ state: 'FAILED', failureKind: 'ROLE_TOO_LOW', discordCode: 50013, guildId: sh.guildId });
    expect(failed.failureMessage).toContain('"Ledgerline" is below the product\'s role "VIP"');
    expect(failed.failureMessage).toContain('drag "Ledgerline" above "VIP"');
    expect(discord.guilds.memberRoles(sh.guildId, sh.userId)).toEqual([]);

    // The admin moves the bot's role up, then presses Retry.
    discord.guilds.updateRole(sh.guildId, sh.botRole, { position: 8 });
    const retried = await repair.retry(adminCtx(sh.tenantId), failed.id);
    expect(retried.state).toBe('PENDING');
    const done = await settled(ent.id);
    expect(done.state).toBe('DONE');
    expect(discord.guilds.memberRoles(sh.guildId, sh.userId)).toEqual([sh.vip]);
    const audit = await s.audit.listFor(sh.tenantId, 'Entitlement', ent.id);
    expect(audit.map((a) => a.action)).toEqual(['entitlement.grant_failed', 'entitlement.retry_requested', 'entitlement.role_added']);
    expect(audit[1]).toMatchObject({ actorType: 'PANEL_ADMIN' });
  });

  it('missing Manage Roles says which permission and where', async () => {
    const sh = await shop({ botPermissions: '0' });
    const ent = await pay(sh);
    const failed = await settled(ent.id);
    expect(failed).toMatchObject({ state: 'FAILED', failureKind: 'MISSING_PERMISSION', discordCode: 50013 });
    expect(failed.failureMessage).toMatch(/missing the Manage Roles permission in "Hobby Hub".*"Ledgerline" → turn on Manage Roles/);
  });

  it('a member who left: MEMBER_LEFT, and Retry once they are back gives the role', async () => {
    const sh = await shop({ memberPresent: false });
    const ent = await pay(sh);
    const failed = await settled(ent.id);
    expect(failed).toMatchObject({ state: 'FAILED', failureKind: 'MEMBER_LEFT', discordCode: 10007 });
    expect(failed.failureMessage).toMatch(/left the server/);

    discord.guilds.addMember(sh.guildId, sh.userId);
    await repair.retry(adminCtx(sh.tenantId), failed.id);
    expect((await settled(ent.id)).state).toBe('DONE');
    expect(discord.guilds.memberRoles(sh.guildId, sh.userId)).toEqual([sh.vip]);
  });

  it('a role deleted from the server: UNKNOWN_ROLE', async () => {
    const sh = await shop();
    const gone = snowflake();
    await db.product.update({ where: { id: sh.product.id }, data: { grantedRoleIds: [gone] } });
    const ent = await pay(sh);
    const failed = await settled(ent.id);
    expect(failed).toMatchObject({ state: 'FAILED', failureKind: 'UNKNOWN_ROLE', discordCode: 10011 });
    expect(failed.failureMessage).toContain(gone);
  });

  it("Retry refuses a change that went through, one whose entitlement was revoked since, and another shop's", async () => {
    const sh = await shop();
    const ent = await pay(sh);
    const done = await settled(ent.id);
    expect(done.state).toBe('DONE');
    await expect(repair.retry(adminCtx(sh.tenantId), done.id)).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });

    const other = await shop();
    await expect(repair.retry(adminCtx(other.tenantId), done.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const sh2 = await shop({ botPosition: 1 });
    const ent2 = await pay(sh2);
    const failed = await settled(ent2.id);
    await db.entitlement.update({ where: { id: ent2.id }, data: { status: 'REVOKED' } });
    await expect(repair.retry(adminCtx(sh2.tenantId), failed.id)).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
  });

  it('a failed removal is recorded and retried as a removal', async () => {
    const sh = await shop();
    const ent = await pay(sh);
    await settled(ent.id);
    discord.guilds.updateRole(sh.guildId, sh.botRole, { position: 1 });
    await s.refunds.refund(adminCtx(sh.tenantId), ent.orderId, { items: [{ productId: sh.product.id, quantity: 1 }] });
    const failed = await settled(ent.id, 'REVOKE');
    expect(failed).toMatchObject({ state: 'FAILED', failureKind: 'ROLE_TOO_LOW' });
    expect(discord.guilds.memberRoles(sh.guildId, sh.userId)).toEqual([sh.vip]);
    discord.guilds.updateRole(sh.guildId, sh.botRole, { position: 9 });
    await repair.retry(adminCtx(sh.tenantId), failed.id);
    expect((await settled(ent.id, 'REVOKE')).state).toBe('DONE');
    expect(discord.guilds.memberRoles(sh.guildId, sh.userId)).toEqual([]);
  });
});

describe('role check before a product is saved', () => {
  it('ok when the bot can give the roles', async () => {
    const sh = await shop();
    expect(await repair.checkRoles(sh.tenantId, [sh.vip])).toEqual({ status: 'ok' });
    expect(await repair.checkRoles(sh.tenantId, [])).toEqual({ status: 'ok' });
  });

  it('names both roles when the bot is too low, the permission when missing, and unknown roles', async () => {
    const low = await shop({ botPosition: 5 }); // level with VIP is not above it
    const r1 = await repair.checkRoles(low.tenantId, [low.vip]);
    expect(r1).toMatchObject({ status: 'problems', problems: [{ roleId: low.vip, kind: 'ROLE_TOO_LOW' }] });
    const noPerm = await shop({ botPermissions: '0' });
    const unknown = snowflake();
    const r2 = await repair.checkRoles(noPerm.tenantId, [noPerm.vip, unknown]);
    expect(r2).toMatchObject({
      status: 'problems',
      problems: [
        { roleId: noPerm.vip, kind: 'MISSING_PERMISSION' },
        { roleId: unknown, kind: 'UNKNOWN_ROLE' },
      ],
    });
    const admin = await shop({ botPermissions: PERMISSIONS.ADMINISTRATOR.toString(), botPosition: 3 });
    // Administrator grants the permission but not the hierarchy.
    expect(await repair.checkRoles(admin.tenantId, [admin.vip])).toMatchObject({
      status: 'problems',
      problems: [{ kind: 'ROLE_TOO_LOW' }],
    });
  });

  it('unavailable (not a problem) when Discord cannot be asked', async () => {
    const sh = await shop();
    discord.fail({ method: 'GET', path: /\/roles$/, status: 400, body: { message: 'nope', code: 0 }, times: 1 });
    expect(await repair.checkRoles(sh.tenantId, [sh.vip])).toMatchObject({ status: 'unavailable' });
  });
});

describe('role check with a server Discord cannot answer for', () => {
  it("still checks the roles of the shop's other servers; a role found in none of them is said to be unchecked", async () => {
    const sh = await shop({ botPosition: 3 });
    // A second server the shop linked, which Discord no longer knows (the fake answers 404 Unknown Guild).
    await f.guild({ tenantId: sh.tenantId, name: 'Old server' });
    // VIP lives in the server that answers, and the bot is below it there: that problem is found.
    expect(await repair.checkRoles(sh.tenantId, [sh.vip])).toMatchObject({
      status: 'problems',
      problems: [{ roleId: sh.vip, kind: 'ROLE_TOO_LOW' }],
    });
    discord.guilds.updateRole(sh.guildId, sh.botRole, { position: 9 });
    expect(await repair.checkRoles(sh.tenantId, [sh.vip])).toEqual({ status: 'ok' });
    // A role in no answering server may be in the one that did not answer: not called unknown.
    const elsewhere = snowflake();
    const r = await repair.checkRoles(sh.tenantId, [sh.vip, elsewhere]);
    expect(r).toMatchObject({ status: 'unavailable' });
    expect((r as { message: string }).message).toMatch(new RegExp(`"Old server".*role ${elsewhere} was not found in the other servers`));
  });
});

describe('reconciliation', () => {
  it('re-grants a role that went missing, reports absent members and unentitled roles, audited', async () => {
    const sh = await shop();
    const ent = await pay(sh);
    await settled(ent.id);
    expect(discord.guilds.memberRoles(sh.guildId, sh.userId)).toEqual([sh.vip]);
    // The planted difference: a moderator took the role; another customer left; a stranger holds VIP.
    discord.guilds.takeRole(sh.guildId, sh.userId, sh.vip);
    const leaver = await f.customer({ tenantId: sh.tenantId });
    discord.guilds.addMember(sh.guildId, leaver.discordUserId);
    const order2 = await f.order({
      tenantId: sh.tenantId,
      customerId: leaver.id,
      guildId: sh.guildId,
      lines: [{ productId: sh.product.id, quantity: 1, unitPriceCents: 1500 }],
    });
    await s.payments.confirm(adminCtx(sh.tenantId), { orderId: order2.id });
    const ent2 = await db.entitlement.findFirstOrThrow({ where: { orderId: order2.id } });
    await settled(ent2.id);
    discord.guilds.removeMember(sh.guildId, leaver.discordUserId);
    const stranger = snowflake();
    discord.guilds.addMember(sh.guildId, stranger, [sh.vip]);
    // Enough members for two pages of 1000.
    for (let i = 0; i < 1100; i++) discord.guilds.addMember(sh.guildId, (10n ** 17n + BigInt(i)).toString());

    const report = await repair.reconcile(adminCtx(sh.tenantId));
    expect(report.regranted).toEqual([{ guildId: sh.guildId, userId: sh.userId, roleId: sh.vip, customerId: sh.customer.id }]);
    expect(report.memberAbsent).toEqual([{ guildId: sh.guildId, userId: leaver.discordUserId, roleId: sh.vip, customerId: leaver.id }]);
    expect(report.unentitled).toEqual([{ guildId: sh.guildId, userId: stranger, roleId: sh.vip }]);
    expect(report.membersRead).toBe(1100 + 3); // bot, customer, stranger and the filler
    expect(discord.find('GET', new RegExp(`^/guilds/${sh.guildId}/members$`))).toHaveLength(2);

    await waitFor('the role back', async () => discord.guilds.memberRoles(sh.guildId, sh.userId)?.includes(sh.vip));
    expect((await settled(ent.id)).state).toBe('DONE');
    const [entry] = (await s.audit.listFor(sh.tenantId, 'Tenant', sh.tenantId)).filter((a) => a.action === 'entitlement.reconciled');
    expect(entry).toMatchObject({ actorType: 'PANEL_ADMIN', after: { counts: { regranted: 1, memberAbsent: 1, unentitled: 1 } } });

    // Nothing left to repair: a second run changes nothing.
    const again = await repair.reconcile(adminCtx(sh.tenantId));
    expect(again.regranted).toEqual([]);
  });

  it('the daily tick reconciles every shop with a server, as a job per shop', async () => {
    const sh = await shop();
    const ent = await pay(sh);
    await settled(ent.id);
    discord.guilds.takeRole(sh.guildId, sh.userId, sh.vip);
    await enqueueJob(db, RECONCILE_TASKS.all, { _cron: { ts: new Date().toISOString(), backfilled: false } });
    await waitFor('the role back', async () => discord.guilds.memberRoles(sh.guildId, sh.userId)?.includes(sh.vip));
    const entries = (await s.audit.listFor(sh.tenantId, 'Tenant', sh.tenantId)).filter((a) => a.action === 'entitlement.reconciled');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorType: 'SYSTEM' });
    expect(s.bus.crontab().split('\n')).toContain('0 4 * * * entitlement_reconcile_all');
  });
});
