// A new migration may not hold a big table for a time that grows with it (docs/decisions/migrations.md,
// "Big tables"; measured in docs/perf/upgrade-2026-12-05.md). The migrations up to LAST_UNCHECKED
// are applied in deployments already and are never edited, so they are not checked.
import { describe, expect, it } from 'vitest';
import { LAST_UNCHECKED, lockFindings, splitStatements } from '../../scripts/lib/migration-lock-rules.js';
import { listMigrations } from '../../src/platform/db/migrate.js';

describe('migration lock rules', () => {
  it('every migration newer than the last unchecked one keeps big tables free', async () => {
    const migrations = await listMigrations();
    expect(migrations.some((m) => m.name === LAST_UNCHECKED)).toBe(true);
    const found = migrations
      .filter((m) => m.name > LAST_UNCHECKED)
      .flatMap((m) => lockFindings(m.sql).map((f) => `${m.name}: ${f.table}: ${f.rule}\n    ${f.statement}`));
    expect(found).toEqual([]);
  });

  it('finds what the measured slow migrations did', async () => {
    const migrations = await listMigrations();
    const sql = (suffix: string) => migrations.find((m) => m.name.endsWith(suffix))!.sql;
    const rules = (suffix: string) => lockFindings(sql(suffix)).map((f) => `${f.table} ${f.rule.split(':')[0]}`);
    // The dashboard's quarter hours: a trigger dropped on orders, then LOCK TABLE orders for its backfill.
    expect(rules('_dashboard_days_in_shop_time_zone')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^orders LOCK TABLE/), expect.stringMatching(/^orders a big table altered without/)]),
    );
    // The list indexes: CREATE INDEX on orders without CONCURRENTLY.
    expect(rules('_list_indexes_and_daily_rollups')).toEqual(expect.arrayContaining([expect.stringMatching(/^orders index/)]));
  });

  const cases: [what: string, sql: string, refused: boolean][] = [
    ['an index on orders', 'CREATE INDEX "orders_x_idx" ON "orders"("x");', true],
    [
      'an index built beforehand',
      `SET LOCAL lock_timeout = '5s';\n-- before deploy: CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_x_idx" ON "orders"("x");\nCREATE INDEX IF NOT EXISTS "orders_x_idx" ON "orders"("x");`,
      false,
    ],
    [
      'an index built beforehand, without lock_timeout',
      `-- before deploy: CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_x_idx" ON "orders"("x");\nCREATE INDEX IF NOT EXISTS "orders_x_idx" ON "orders"("x");`,
      true,
    ],
    ['IF NOT EXISTS without the note', 'CREATE INDEX IF NOT EXISTS "orders_x_idx" ON "orders"("x");', true],
    ["CONCURRENTLY (fails inside the runner's transaction)", 'CREATE INDEX CONCURRENTLY "orders_x_idx" ON "orders"("x");', true],
    ['an index on a small table', 'CREATE INDEX "products_x_idx" ON "products"("x");', false],
    [
      'an index on a table of the same migration',
      'CREATE TABLE "things" ("id" TEXT NOT NULL);\nCREATE INDEX "things_id_idx" ON "things"("id");',
      false,
    ],
    ['a nullable column', `SET LOCAL lock_timeout = '5s';\nALTER TABLE "refunds" ADD COLUMN "x" TEXT;`, false],
    [
      'a column with a constant default',
      `SET LOCAL lock_timeout = '5s';\nALTER TABLE "order_items" ADD COLUMN "position" INTEGER NOT NULL DEFAULT 0;`,
      false,
    ],
    ['an ALTER without lock_timeout', 'ALTER TABLE "refunds" ADD COLUMN "x" TEXT;', true],
    ['NOT NULL without a default', `SET LOCAL lock_timeout = '5s';\nALTER TABLE "payments" ADD COLUMN "x" TEXT NOT NULL;`, true],
    ['a volatile default', `SET LOCAL lock_timeout = '5s';\nALTER TABLE "orders" ADD COLUMN "x" UUID DEFAULT gen_random_uuid();`, true],
    ['a serial column', `SET LOCAL lock_timeout = '5s';\nALTER TABLE "orders" ADD COLUMN "x" BIGSERIAL;`, true],
    ['a type change', `SET LOCAL lock_timeout = '5s';\nALTER TABLE "orders" ALTER COLUMN "totalCents" SET DATA TYPE BIGINT;`, true],
    ['SET NOT NULL', `SET LOCAL lock_timeout = '5s';\nALTER TABLE "orders" ALTER COLUMN "x" SET NOT NULL;`, true],
    ['a CHECK checked at once', `SET LOCAL lock_timeout = '5s';\nALTER TABLE "refunds" ADD CONSTRAINT "c" CHECK ("x" > 0);`, true],
    ['a CHECK NOT VALID', `SET LOCAL lock_timeout = '5s';\nALTER TABLE "refunds" ADD CONSTRAINT "c" CHECK ("x" > 0) NOT VALID;`, false],
    [
      'a foreign key checked at once',
      `SET LOCAL lock_timeout = '5s';\nALTER TABLE "orders" ADD CONSTRAINT "f" FOREIGN KEY ("x") REFERENCES "products"("id");`,
      true,
    ],
    ['a UNIQUE constraint', `SET LOCAL lock_timeout = '5s';\nALTER TABLE "orders" ADD CONSTRAINT "u" UNIQUE ("x");`, true],
    ['a backfill UPDATE', 'UPDATE "orders" SET "x" = 1;', true],
    ['LOCK TABLE', 'LOCK TABLE "orders" IN SHARE MODE;', true],
    ['a trigger replaced without lock_timeout', 'DROP TRIGGER "t" ON "orders";', true],
    [
      'a function replaced',
      `CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE "orders" SET x = 1; RETURN NEW; END $$;`,
      false,
    ],
  ];
  it.each(cases)('%s: refused %s', (_what, sql, refused) => {
    expect(lockFindings(sql).length > 0).toBe(refused);
  });

  it('splits at semicolons outside quotes, dollar quotes and comments', () => {
    const sql = `-- a; comment\nCREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN PERFORM 1; END $fn$;\nSELECT 'a;b', "c;d";\n/* x; */ SELECT 2;`;
    expect(splitStatements(sql)).toHaveLength(3);
  });
});
