// platform/db/due-rows.ts: "asked again after a share of its age" as a test at a given now (dueAgainByAge, the
// late-money reconciliation's selection) and as the instant it turns true (nextDueByAge, stored by the refund
// sweep and read by index). One rule in two forms: they must agree for every row and every now, with each
// caller's own bounds, or the sweep would read on another schedule than the rule says.
import { afterAll, describe, expect, it } from 'vitest';
import { LATE_MONEY_RECHECK } from '../../src/modules/payments-processor/checkouts/late-money.js';
import { REFUND_RECHECK } from '../../src/modules/payments-processor/checkouts/refund-sweep.js';
import { dueAgainByAge, nextDueByAge } from '../../src/platform/db/due-rows.js';
import { Prisma } from '../../src/platform/db/prisma.js';
import { closeTestDb, testDb } from '../helpers/db.js';

afterAll(() => closeTestDb());
const db = testDb(2);

describe('dueAgainByAge and nextDueByAge', () => {
  for (const [name, every] of [
    ['the refund sweep', REFUND_RECHECK],
    ['the late-money reconciliation', LATE_MONEY_RECHECK],
  ] as const) {
    it(`agree for ${name}: due at t exactly when the next-due instant is <= t`, async () => {
      // Ages at the ask from a minute to 400 days; nows from the ask to 30 days after it, on grids with uneven steps.
      const t = Prisma.sql`(c."checkedAt" + make_interval(secs => d.s))`;
      const rows = await db.$queryRaw<{ checked: number; disagree: number; sample: string | null }[]>`
        WITH c AS (
          SELECT timestamp '2026-01-01' AS "createdAt", timestamp '2026-01-01' + make_interval(secs => a.s) AS "checkedAt"
          FROM (SELECT (60 * power(1.37, g))::float8 AS s FROM generate_series(0, 45) g) a
        ), d AS (SELECT (power(1.21, g) - 1 + g * 7)::float8 AS s FROM generate_series(0, 90) g)
        SELECT count(*)::int AS checked,
          count(*) FILTER (WHERE ${dueAgainByAge(t, 'checkedAt', every)} IS DISTINCT FROM (${nextDueByAge(Prisma.sql`c."checkedAt"`, every)} <= ${t}))::int AS disagree,
          min(c."checkedAt"::text || ' + ' || d.s) FILTER (WHERE ${dueAgainByAge(t, 'checkedAt', every)} IS DISTINCT FROM (${nextDueByAge(Prisma.sql`c."checkedAt"`, every)} <= ${t})) AS sample
        FROM c CROSS JOIN d`;
      expect(rows[0]).toEqual({ checked: 46 * 91, disagree: 0, sample: null });
    });
  }
});
