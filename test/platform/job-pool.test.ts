// The job worker's connections plan graphile-worker's prepared statements once (platform/jobs/job-pool.ts):
// PostgreSQL chose a custom plan for its fetch-a-job statement, planning it again on every call.
import { afterAll, describe, expect, it } from 'vitest';
import { createJobPool } from '../../src/platform/jobs/job-pool.js';
import { createLogger } from '../../src/platform/logger.js';
import { testDatabaseUrl } from '../helpers/db.js';

const logger = createLogger({ level: 'silent', pretty: false });
const pools: { end(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

function withOptions(url: string, options: string): string {
  const u = new URL(url);
  u.searchParams.set('options', options);
  return u.toString();
}

describe('job worker pool', () => {
  it('runs prepared statements on a generic plan from the first call, not a custom plan per call', async () => {
    const pool = createJobPool({ connectionString: testDatabaseUrl(), max: 1, logger });
    pools.push(pool);
    const client = await pool.connect();
    try {
      expect((await client.query('SHOW plan_cache_mode')).rows[0].plan_cache_mode).toBe('force_generic_plan');
      const statement = {
        name: 'job_pool_test',
        text: 'SELECT count(*)::int AS n FROM pg_class WHERE relname = $1 AND relkind = ANY ($2::"char"[])',
      };
      for (let i = 0; i < 7; i++) await client.query({ ...statement, values: [`t${i}`, ['r', 'i']] });
      const [plans] = (
        await client.query<{ generic_plans: string; custom_plans: string }>(
          `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'job_pool_test'`,
        )
      ).rows;
      expect({ generic: Number(plans!.generic_plans), custom: Number(plans!.custom_plans) }).toEqual({ generic: 7, custom: 0 });
    } finally {
      client.release();
    }
  });

  it("leaves the operator's own connection options in force", async () => {
    const pool = createJobPool({ connectionString: withOptions(testDatabaseUrl(), '-c plan_cache_mode=auto'), max: 1, logger });
    pools.push(pool);
    expect((await pool.query('SHOW plan_cache_mode')).rows[0].plan_cache_mode).toBe('auto');
  });
});
