// Failures visible and fixable, and reconciliation, through the real role jobs on graphile-worker, the
// Discord REST adapters and the fake Discord API's servers (roles with positions and permissions, members):
// a grant Discord refuses is recorded FAILED with the reason in words (naming both roles), Retry after the
// fix gives the role; the role check says what to fix before a product is saved; the reconciliation puts
// back a role that went missing and reports what it cannot repair.
import { beforeEach, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../../src/dev/fakes/fake-discord-guilds.js';
import { RECONCILE_TASKS } from '../../../src/modules/entitlements/reconcile-jobs.js';
import { enqueueJob } from '../../../src/platform/jobs/queue.js';
import { snowflake } from '../../helpers/factories.js';
import { adminCtx } from '../refunds/after-sale.harness.js';
import { waitFor } from '../../helpers/wait-for.js';
import { useRoleJobs, type VipGuildOptions } from './role-jobs.harness.js';

// The role check puts 50013s into words (naming both roles); the daily reconciliation's jobs are registered.
const rj = useRoleJobs({ roleCheck: true, reconcileJobs: true });
const { db, f, s, discord } = rj;
beforeEach(() => discord.reset());

/**
 * A shop whose server "Hobby Hub" has a "VIP" role at position 5 and the bot's "Ledgerline" role at `botPosition`
 * with `botPermissions` (vipHolder); the customer is a member unless `memberPresent` is false.
 */
const shop = (opts: VipGuildOptions & { memberPresent?: boolean } = {}) => rj.vipHolder(undefined, { ...opts, guildName: 'Hobby Hub' });

/** Pays an order of the shop's VIP product; its grant is then pending. */
const pay = async (sh: Awaited<ReturnType<typeof shop>>) => (await sh.pay()).ent;

const changeOf = (entitlementId: string, action: 'GRANT' | 'REVOKE' = 'GRANT') =>
  db.roleChange.findUniqueOrThrow({ where: { entitlementId_action: { entitlementId, action } } });
const settled = (entitlementId: string, action: 'GRANT' | 'REVOKE' = 'GRANT') => rj.settled(entitlementId, action);

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
    const retried = await rj.repair.retry(adminCtx(sh.tenantId), failed.id);
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
    await rj.repair.retry(adminCtx(sh.tenantId), failed.id);
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
    await expect(rj.repair.retry(adminCtx(sh.tenantId), done.id)).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });

    const other = await shop();
    await expect(rj.repair.retry(adminCtx(other.tenantId), done.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const sh2 = await shop({ botPosition: 1 });
    const ent2 = await pay(sh2);
    const failed = await settled(ent2.id);
    await db.entitlement.update({ where: { id: ent2.id }, data: { status: 'REVOKED' } });
    await expect(rj.repair.retry(adminCtx(sh2.tenantId), failed.id)).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
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
    await rj.repair.retry(adminCtx(sh.tenantId), failed.id);
    expect((await settled(ent.id, 'REVOKE')).state).toBe('DONE');
    expect(discord.guilds.memberRoles(sh.guildId, sh.userId)).toEqual([]);
  });
});

describe('role check before a product is saved', () => {
  it('ok when the bot can give the roles', async () => {
    const sh = await shop();
    expect(await rj.repair.checkRoles(sh.tenantId, [sh.vip])).toEqual({ status: 'ok' });
    expect(await rj.repair.checkRoles(sh.tenantId, [])).toEqual({ status: 'ok' });
  });

  it('names both roles when the bot is too low, the permission when missing, and unknown roles', async () => {
    const low = await shop({ botPosition: 5 }); // level with VIP is not above it
    const r1 = await rj.repair.checkRoles(low.tenantId, [low.vip]);
    expect(r1).toMatchObject({ status: 'problems', problems: [{ roleId: low.vip, kind: 'ROLE_TOO_LOW' }] });
    const noPerm = await shop({ botPermissions: '0' });
    const unknown = snowflake();
    const r2 = await rj.repair.checkRoles(noPerm.tenantId, [noPerm.vip, unknown]);
    expect(r2).toMatchObject({
      status: 'problems',
      problems: [
        { roleId: noPerm.vip, kind: 'MISSING_PERMISSION' },
        { roleId: unknown, kind: 'UNKNOWN_ROLE' },
      ],
    });
    const admin = await shop({ botPermissions: PERMISSIONS.ADMINISTRATOR.toString(), botPosition: 3 });
    // Administrator grants the permission but not the hierarchy.
    expect(await rj.repair.checkRoles(admin.tenantId, [admin.vip])).toMatchObject({
      status: 'problems',
      problems: [{ kind: 'ROLE_TOO_LOW' }],
    });
  });

  it('unavailable (not a problem) when Discord cannot be asked', async () => {
    const sh = await shop();
    discord.fail({ method: 'GET', path: /\/roles$/, status: 400, body: { message: 'nope', code: 0 }, times: 1 });
    expect(await rj.repair.checkRoles(sh.tenantId, [sh.vip])).toMatchObject({ status: 'unavailable' });
  });
});

describe('role check with a server Discord cannot answer for', () => {
  it("still checks the roles of the shop's other servers; a role found in none of them is said to be unchecked", async () => {
    const sh = await shop({ botPosition: 3 });
    // A second server the shop linked, which Discord no longer knows (the fake answers 404 Unknown Guild).
    await f.guild({ tenantId: sh.tenantId, name: 'Old server' });
    // VIP lives in the server that answers, and the bot is below it there: that problem is found.
    expect(await rj.repair.checkRoles(sh.tenantId, [sh.vip])).toMatchObject({
      status: 'problems',
      problems: [{ roleId: sh.vip, kind: 'ROLE_TOO_LOW' }],
    });
    discord.guilds.updateRole(sh.guildId, sh.botRole, { position: 9 });
    expect(await rj.repair.checkRoles(sh.tenantId, [sh.vip])).toEqual({ status: 'ok' });
    // A role in no answering server may be in the one that did not answer: not called unknown.
    const elsewhere = snowflake();
    const r = await rj.repair.checkRoles(sh.tenantId, [sh.vip, elsewhere]);
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

    const report = await rj.repair.reconcile(adminCtx(sh.tenantId));
    expect(report.regranted).toEqual([{ guildId: sh.guildId, userId: sh.userId, roleId: sh.vip, customerId: sh.customerId }]);
    expect(report.memberAbsent).toEqual([{ guildId: sh.guildId, userId: leaver.discordUserId, roleId: sh.vip, customerId: leaver.id }]);
    expect(report.unentitled).toEqual([{ guildId: sh.guildId, userId: stranger, roleId: sh.vip }]);
    expect(report.membersRead).toBe(1100 + 3); // bot, customer, stranger and the filler
    expect(discord.find('GET', new RegExp(`^/guilds/${sh.guildId}/members$`))).toHaveLength(2);

    await waitFor('the role back', async () => discord.guilds.memberRoles(sh.guildId, sh.userId)?.includes(sh.vip));
    expect((await settled(ent.id)).state).toBe('DONE');
    const [entry] = (await s.audit.listFor(sh.tenantId, 'Tenant', sh.tenantId)).filter((a) => a.action === 'entitlement.reconciled');
    expect(entry).toMatchObject({ actorType: 'PANEL_ADMIN', after: { counts: { regranted: 1, memberAbsent: 1, unentitled: 1 } } });

    // Nothing left to repair: a second run changes nothing.
    const again = await rj.repair.reconcile(adminCtx(sh.tenantId));
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
