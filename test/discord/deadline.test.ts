// The deferral deadline starts when the request arrives, not after dispatch's own database work (tenant,
// de-duplication claim, customer): an interaction whose claim is stuck behind a lock is still answered in
// time, deferred, and its real answer follows through the webhook once the database lets it run.
// DISCORD_DEFER_AFTER_MS=0 makes "the time is up" immediate, so nothing here depends on timing; the only
// timer is the bound after which the test gives up on the old behaviour (a request stuck until the lock goes).
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDatabaseUrl } from '../helpers/db.js';
import { snowflake } from '../helpers/factories.js';
import { APP_ID, commandInteraction, member, send, useHarness } from './harness.js';

const f = factories();

const h = useHarness({ env: { DISCORD_DEFER_AFTER_MS: '0' } });

describe('deferral deadline', () => {
  it('answers deferred while dispatch waits on the database, then delivers the answer', async () => {
    const s = await f.shop();
    const interaction = commandInteraction(
      { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }), id: snowflake() },
      'help',
    );
    // Another transaction holds the interaction id: the claim's INSERT … ON CONFLICT waits for it.
    const blocker = new pg.Client({ connectionString: testDatabaseUrl() });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('INSERT INTO processed_interactions (id, "tenantId") VALUES ($1, $2)', [interaction.id, s.tenant.id]);
      const answered = send(h, interaction);
      const res = await Promise.race([answered, new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 45_000))]);
      expect(res).not.toBe('stuck');
      if (res === 'stuck') return;
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ type: 5, data: { flags: 64 } });
      // The lock goes (the other delivery rolled back): this one claims the id, runs /help and edits the answer.
      await blocker.query('ROLLBACK');
      const edited = await h.fake.waitFor(
        (c) => c.method === 'PATCH' && c.path === `/webhooks/${APP_ID}/${interaction.token}/messages/@original`,
      );
      expect(JSON.stringify(edited.body)).toMatch(/order/i);
    } finally {
      await blocker.end();
    }
  });
});
