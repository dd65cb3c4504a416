// The role jobs on a real worker against the fake Discord API, for the files that follow a paid role through
// Discord (grants, removals, the gateway listener's member events, the reconciliation): started before the file's
// tests, stopped after them. Each call makes its own (files of one vitest worker share this module: isolate: false).
// Its server with VIP and VIP holder (addVipGuild, vipHolderIn) serve a file with a worker of its own too.
import { afterAll, beforeAll } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { createDiscordGuildDirectory } from '../../../src/adapters/discord/guild-directory.discord.js';
import { createDiscordRoleGateway } from '../../../src/adapters/discord/role-gateway.discord.js';
import { FakeDiscordApi } from '../../../src/dev/fake-discord-api.js';
import { PERMISSIONS } from '../../../src/dev/fakes/fake-discord-guilds.js';
import { createMemberEvents } from '../../../src/modules/entitlements/member-events.js';
import { registerReconcileJobs } from '../../../src/modules/entitlements/reconcile-jobs.js';
import { createRoleRepairService, type RoleRepairService } from '../../../src/modules/entitlements/role-repair.service.js';
import { registerEntitlementJobs } from '../../../src/modules/entitlements/role-jobs.js';
import { systemClock } from '../../../src/platform/clock.js';
import type { Db } from '../../../src/platform/db/prisma.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { factories, snowflake } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { adminCtx, afterSale } from '../refunds/after-sale.harness.js';

/** What a file's paid roles go through: its database, row factories, after-sale services and fake Discord API. */
export interface RoleWorld {
  db: Db;
  f: ReturnType<typeof factories>;
  s: ReturnType<typeof afterSale>;
  discord: FakeDiscordApi;
}

/** A shop's server as addVipGuild makes it: the bot's role position and permissions (default 10, Manage Roles). */
export interface VipGuildOptions {
  botPosition?: number;
  botPermissions?: string;
}

/**
 * `guildId` in the fake Discord with a VIP role (position 5) and the bot's role "Ledgerline" at `botPosition` with
 * Manage Roles: above VIP by default (the bot can give it); below it, or without the permission, Discord refuses the
 * grant (missing permission).
 */
export function addVipGuild(discord: FakeDiscordApi, guildId: string, bot: VipGuildOptions = {}) {
  const vip = snowflake();
  const botRole = snowflake();
  const roles = [
    { id: vip, name: 'VIP', position: 5, permissions: '0' },
    {
      id: botRole,
      name: 'Ledgerline',
      position: bot.botPosition ?? 10,
      permissions: bot.botPermissions ?? PERMISSIONS.MANAGE_ROLES.toString(),
    },
  ];
  discord.guilds.addGuild(guildId, { roles, botRoleIds: [botRole] });
  return { vip, botRole, roles };
}

/** What vipHolderIn's shop may differ by: its server's bot role (addVipGuild), a customer not in it, its name. */
export type VipHolderOptions = VipGuildOptions & { memberPresent?: boolean; guildName?: string };

/**
 * A shop (its removal policy `policy`) with a server with VIP (addVipGuild, `opts` as there), a customer in it (unless
 * `memberPresent` is false), and a product giving VIP. `pay()` places an order of it in that server and confirms its
 * payment (the grant queued); `buy()` does so and waits for the grant to be done.
 */
export async function vipHolderIn(w: RoleWorld, policy?: 'RECORD' | 'REAPPLY', opts: VipHolderOptions = {}) {
  const { db, f, s, discord } = w;
  const tenant = await f.tenant();
  if (policy) await db.tenant.update({ where: { id: tenant.id }, data: { roleRemovalPolicy: policy } });
  const guild = await f.guild({ tenantId: tenant.id, ...(opts.guildName ? { name: opts.guildName } : {}) });
  const customer = await f.customer({ tenantId: tenant.id });
  const { vip, botRole } = addVipGuild(discord, guild.id, opts);
  if (opts.memberPresent ?? true) discord.guilds.addMember(guild.id, customer.discordUserId);
  const product = await f.product({ tenantId: tenant.id, grantedRoleIds: [vip] });
  const pay = async () => {
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }],
    });
    await s.payments.confirm(adminCtx(tenant.id), { orderId: order.id });
    const ent = await db.entitlement.findFirstOrThrow({ where: { orderId: order.id } });
    return { order, ent };
  };
  const buy = async () => {
    const paid = await pay();
    await waitFor('the grant done', async () => {
      const c = await db.roleChange.findUniqueOrThrow({ where: { entitlementId_action: { entitlementId: paid.ent.id, action: 'GRANT' } } });
      return c.state === 'DONE';
    });
    return paid;
  };
  return {
    tenantId: tenant.id,
    guildId: guild.id,
    customerId: customer.id,
    userId: customer.discordUserId,
    vip,
    botRole,
    product,
    pay,
    buy,
  };
}

/**
 * `roleCheck`: the jobs put a 50013 into words with the role check (which permission, which two roles), as the
 * composition root does; `reconcileJobs`: the daily reconciliation's jobs are registered too.
 */
export function useRoleJobs(opts: { roleCheck?: boolean; reconcileJobs?: boolean } = {}) {
  const db = testDb(30);
  const f = factories(db);
  const s = afterSale(db);
  const discord = new FakeDiscordApi();
  const events = createMemberEvents({ db, audit: s.audit, logger: s.logger });
  let worker: WorkerHandle | undefined;
  let repair: RoleRepairService | undefined;
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
      ...(opts.roleCheck ? { roleCheck: repair.roleCheck } : {}),
    });
    if (opts.reconcileJobs) registerReconcileJobs(s.bus, { db, roleRepair: repair });
    worker = await startWorker({ connectionString: testDatabaseUrl(), bus: s.bus, logger: s.logger, concurrency: 2, pollIntervalMs: 50 });
  });
  afterAll(async () => {
    await worker?.stop();
    await discord.stop();
  });
  const grantOf = (entitlementId: string) =>
    db.roleChange.findUniqueOrThrow({ where: { entitlementId_action: { entitlementId, action: 'GRANT' } } });
  /** `guildId` in the fake Discord with a VIP role and the bot's role (addVipGuild; above VIP by default). */
  const vipGuild = (guildId: string, bot: VipGuildOptions = {}) => addVipGuild(discord, guildId, bot);
  /** vipHolderIn on this file's world. */
  const vipHolder = (policy?: 'RECORD' | 'REAPPLY', opts: VipHolderOptions = {}) => vipHolderIn({ db, f, s, discord }, policy, opts);
  return {
    db,
    f,
    s,
    discord,
    events,
    /** The reconciliation and Retry (set once beforeAll ran). */
    get repair(): RoleRepairService {
      if (!repair) throw new Error('the role jobs are not started yet (use it inside a test)');
      return repair;
    },
    /** The entitlement's grant as Role changes shows it. */
    grantOf,
    /** The entitlement's grant or removal once it is no longer pending. */
    settled: (entitlementId: string, action: 'GRANT' | 'REVOKE') =>
      waitFor(`the ${action} to settle`, async () => {
        const c = await db.roleChange.findUnique({ where: { entitlementId_action: { entitlementId, action } } });
        return c && c.state !== 'PENDING' ? c : undefined;
      }),
    vipGuild,
    vipHolder,
    /** A VIP holder (vipHolder) whose role a moderator took, as the gateway listener heard it. */
    async removedByModerator(policy: 'RECORD' | 'REAPPLY') {
      const m = await vipHolder(policy);
      const { ent } = await m.buy();
      discord.guilds.takeRole(m.guildId, m.userId, m.vip);
      await events.rolesChanged(m.guildId, m.userId, []);
      return { ...m, ent };
    },
  };
}
