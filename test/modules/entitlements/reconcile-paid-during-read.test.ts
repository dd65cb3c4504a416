// The reconciliation reads a shop's entitlements, then its members page by page at Discord's pace. A customer who paid
// between the two, and whose grant gave the role before their page was read, was reported as holding a shop role
// "without a purchase", in the panel's summary and the audit entry, though they had paid for it: an admin reading it
// could take a paying customer's role by hand. Here the payment and its grant land as the first page is asked for.
import { describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { createDiscordGuildDirectory } from '../../../src/adapters/discord/guild-directory.discord.js';
import type { GuildDirectory } from '../../../src/modules/entitlements/guild-directory.port.js';
import { reconcileTenant } from '../../../src/modules/entitlements/reconcile.js';
import { systemClock } from '../../../src/platform/clock.js';
import { snowflake } from '../../helpers/factories.js';
import { adminCtx } from '../../helpers/actors.js';
import { useRoleJobs } from './role-jobs.harness.js';

const rj = useRoleJobs();
const { db, s, discord } = rj;

describe('a customer who pays while the reconciliation reads the members', () => {
  it('is not reported as holding the role without a purchase; a stranger holding it still is', async () => {
    const sh = await rj.vipHolder();
    const stranger = snowflake();
    discord.guilds.addMember(sh.guildId, stranger, [sh.vip]);
    const real = createDiscordGuildDirectory(createDiscordRest({ apiBaseUrl: discord.apiBase, botToken: 'test-token' }));
    let paidFirst = false;
    // The customer pays, and the grant job gives the role, before the server's first page of members is read.
    const directory: GuildDirectory = {
      botMember: (g) => real.botMember(g),
      roles: (g) => real.roles(g),
      async members(g, page) {
        if (!paidFirst) {
          paidFirst = true;
          const { ent } = await sh.pay();
          expect((await rj.settled(ent.id, 'GRANT')).state).toBe('DONE');
        }
        return real.members(g, page);
      },
    };

    const report = await reconcileTenant({
      db,
      clock: systemClock,
      audit: s.audit,
      logger: s.logger,
      directory,
      ctx: adminCtx(sh.tenantId),
    });
    expect(paidFirst).toBe(true);
    expect(discord.guilds.memberRoles(sh.guildId, sh.userId)).toEqual([sh.vip]);
    expect(report.unentitled).toEqual([{ guildId: sh.guildId, userId: stranger, roleId: sh.vip }]);
    expect(report.regranted).toEqual([]);
    const [entry] = (await s.audit.listFor(sh.tenantId, 'Tenant', sh.tenantId)).filter((a) => a.action === 'entitlement.reconciled');
    expect(entry).toMatchObject({ after: { counts: { unentitled: 1 }, unentitled: [{ userId: stranger }] } });
  });
});
