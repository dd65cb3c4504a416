// shop:create takes the shop's time zone by the rule Settings keeps (time-format.ts isShopTimeZone): a region
// name or UTC, not an abbreviation. "BST", "IST", "PST", "AST" used to be stored by the command, then read one way by
// the panel (ICU) and another by the exports and the tax report (PostgreSQL AT TIME ZONE).
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { snowflake } from '../helpers/factories.js';
import { runOperatorCommand } from '../helpers/operator-command.js';

const RUN_BUDGET_MS = 100_000;

describe('shop:create --time-zone', { timeout: 2 * RUN_BUDGET_MS + 20_000 }, () => {
  it('refuses an abbreviation with the Settings message, creates nothing, and still takes a region name', async () => {
    for (const zone of ['BST', 'PST']) {
      const guildId = snowflake();
      const name = `Abbrev ${zone} ${guildId}`;
      const r = await runOperatorCommand('shop-create', ['--name', name, '--guild', guildId, '--time-zone', zone], {
        env: { DATABASE_URL: testDatabaseUrl() },
        budgetMs: RUN_BUDGET_MS,
      });
      expect(r.code, r.out).toBe(1);
      expect(r.out).toContain('not an abbreviation such as IST or PST');
      expect(await testDb().guild.count({ where: { id: guildId } })).toBe(0);
      expect(await testDb().tenant.count({ where: { name } })).toBe(0);
    }

    const guildId = snowflake();
    const ok = await runOperatorCommand(
      'shop-create',
      ['--name', `Region ${guildId}`, '--guild', guildId, '--time-zone', 'Europe/London'],
      {
        env: { DATABASE_URL: testDatabaseUrl() },
        budgetMs: RUN_BUDGET_MS,
      },
    );
    expect(ok.code, ok.out).toBe(0);
    const guild = await testDb().guild.findUniqueOrThrow({ where: { id: guildId }, include: { tenant: true } });
    expect(guild.tenant.timeZone).toBe('Europe/London');
  });
});
