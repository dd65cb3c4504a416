-- CreateTable
CREATE TABLE "order_currency_sales_rollups" (
    "tenantId" TEXT NOT NULL,
    "quarterHour" TIMESTAMP(3) NOT NULL,
    "status" "OrderStatus" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "slot" SMALLINT NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "totalCents" BIGINT NOT NULL DEFAULT 0,
    "refundedCents" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "order_currency_sales_rollups_pkey" PRIMARY KEY ("tenantId","quarterHour","status","currency","slot")
);

-- AddForeignKey
ALTER TABLE "order_currency_sales_rollups" ADD CONSTRAINT "order_currency_sales_rollups_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The dashboard's sales per currency (docs/decisions/dashboard-rollups.md, "Currencies"): a shop that changed its
-- currency has orders in both, and a sum over them is no amount at all. order_sales_rollups had no currency, so its
-- successor is keyed by the order's currency too; the trigger writes it from now on, in the writer's transaction as
-- before. order_sales_rollups is still written for one release, as before: an instance of the previous release
-- reads it during a rolling deploy, and again after a roll-back, which no backfill would then mend. A later
-- migration stops writing it and drops it. order_daily_rollups stays as it is: the dashboard reads only its
-- counts per status, which have no currency.
--
-- Only the new table and the trigger here, in a short transaction (the trigger's change locks orders until
-- COMMIT); the backfill is the next migration, once every order write goes through this trigger, and holds no lock
-- on orders (it adds to each bucket what the orders have and the rows lack, in one statement).
SET LOCAL lock_timeout = '5s';

CREATE FUNCTION "order_rollup_add"(t TEXT, at TIMESTAMP(3), s "OrderStatus", c TEXT, n INTEGER, total BIGINT, refunded BIGINT) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "order_daily_rollups" AS r ("tenantId", "day", "status", "slot", "orders", "totalCents", "refundedCents")
  VALUES (t, at::date, s, (pg_backend_pid() % 16)::smallint, n, total, refunded)
  ON CONFLICT ("tenantId", "day", "status", "slot") DO UPDATE
    SET "orders" = r."orders" + EXCLUDED."orders",
        "totalCents" = r."totalCents" + EXCLUDED."totalCents",
        "refundedCents" = r."refundedCents" + EXCLUDED."refundedCents";
  -- The previous release's table, kept written until it is dropped (above).
  INSERT INTO "order_sales_rollups" AS r ("tenantId", "quarterHour", "status", "slot", "orders", "totalCents", "refundedCents")
  VALUES (t, date_bin('15 minutes', at, TIMESTAMP '2000-01-01'), s, (pg_backend_pid() % 16)::smallint, n, total, refunded)
  ON CONFLICT ("tenantId", "quarterHour", "status", "slot") DO UPDATE
    SET "orders" = r."orders" + EXCLUDED."orders",
        "totalCents" = r."totalCents" + EXCLUDED."totalCents",
        "refundedCents" = r."refundedCents" + EXCLUDED."refundedCents";
  INSERT INTO "order_currency_sales_rollups" AS r ("tenantId", "quarterHour", "status", "currency", "slot", "orders", "totalCents", "refundedCents")
  VALUES (t, date_bin('15 minutes', at, TIMESTAMP '2000-01-01'), s, c, (pg_backend_pid() % 16)::smallint, n, total, refunded)
  ON CONFLICT ("tenantId", "quarterHour", "status", "currency", "slot") DO UPDATE
    SET "orders" = r."orders" + EXCLUDED."orders",
        "totalCents" = r."totalCents" + EXCLUDED."totalCents",
        "refundedCents" = r."refundedCents" + EXCLUDED."refundedCents";
$$;

CREATE OR REPLACE FUNCTION "orders_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    -- A tenant being deleted takes its rollups with it (cascade): nothing to subtract from.
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM "tenants" WHERE "id" = OLD."tenantId") THEN
      RETURN NULL;
    END IF;
    PERFORM "order_rollup_add"(OLD."tenantId", OLD."createdAt", OLD."status", OLD."currency", -1, -OLD."totalCents"::bigint, -OLD."refundedTotalCents"::bigint);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "order_rollup_add"(NEW."tenantId", NEW."createdAt", NEW."status", NEW."currency", 1, NEW."totalCents"::bigint, NEW."refundedTotalCents"::bigint);
  END IF;
  RETURN NULL;
END $$;

DROP FUNCTION "order_rollup_add"(TEXT, TIMESTAMP(3), "OrderStatus", INTEGER, BIGINT, BIGINT);

-- An order's currency changed (by hand, a script) moves its money to the other currency's figures.
DROP TRIGGER "orders_rollup_update" ON "orders";
CREATE TRIGGER "orders_rollup_update" AFTER UPDATE OF "tenantId", "createdAt", "status", "currency", "totalCents", "refundedTotalCents" ON "orders" FOR EACH ROW
  WHEN ((OLD."tenantId", OLD."createdAt", OLD."status", OLD."currency", OLD."totalCents", OLD."refundedTotalCents")
        IS DISTINCT FROM (NEW."tenantId", NEW."createdAt", NEW."status", NEW."currency", NEW."totalCents", NEW."refundedTotalCents"))
  EXECUTE FUNCTION "orders_rollup"();
