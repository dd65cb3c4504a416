-- CreateTable
CREATE TABLE "order_sales_rollups" (
    "tenantId" TEXT NOT NULL,
    "quarterHour" TIMESTAMP(3) NOT NULL,
    "status" "OrderStatus" NOT NULL,
    "slot" SMALLINT NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "totalCents" BIGINT NOT NULL DEFAULT 0,
    "refundedCents" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "order_sales_rollups_pkey" PRIMARY KEY ("tenantId","quarterHour","status","slot")
);

-- AddForeignKey
ALTER TABLE "order_sales_rollups" ADD CONSTRAINT "order_sales_rollups_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- The dashboard's days are the shop's days (its time zone, tenants."timeZone"), not UTC days: sales are also
-- rolled up by the UTC quarter hour of the order's createdAt (every time zone's offset is a whole number of
-- quarter hours, so each of a shop's days is a run of whole quarter hours, whatever its zone and whenever it
-- changes), and the dashboard sums a day's quarter hours. order_daily_rollups stays for the all-time counts per
-- status (a few rows per day, where quarter hours would be ~100). Same rules as there: the writer's
-- transaction, the slot its pid modulo 16 (docs/decisions/dashboard-rollups.md); a daily job folds a past
-- bucket's slots into slot 0 (src/modules/orders/rollup-slots.jobs.ts), for both tables.
CREATE FUNCTION "order_rollup_add"(t TEXT, at TIMESTAMP(3), s "OrderStatus", n INTEGER, total BIGINT, refunded BIGINT) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "order_daily_rollups" AS r ("tenantId", "day", "status", "slot", "orders", "totalCents", "refundedCents")
  VALUES (t, at::date, s, (pg_backend_pid() % 16)::smallint, n, total, refunded)
  ON CONFLICT ("tenantId", "day", "status", "slot") DO UPDATE
    SET "orders" = r."orders" + EXCLUDED."orders",
        "totalCents" = r."totalCents" + EXCLUDED."totalCents",
        "refundedCents" = r."refundedCents" + EXCLUDED."refundedCents";
  INSERT INTO "order_sales_rollups" AS r ("tenantId", "quarterHour", "status", "slot", "orders", "totalCents", "refundedCents")
  VALUES (t, date_bin('15 minutes', at, TIMESTAMP '2000-01-01'), s, (pg_backend_pid() % 16)::smallint, n, total, refunded)
  ON CONFLICT ("tenantId", "quarterHour", "status", "slot") DO UPDATE
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
    PERFORM "order_rollup_add"(OLD."tenantId", OLD."createdAt", OLD."status", -1, -OLD."totalCents"::bigint, -OLD."refundedTotalCents"::bigint);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "order_rollup_add"(NEW."tenantId", NEW."createdAt", NEW."status", 1, NEW."totalCents"::bigint, NEW."refundedTotalCents"::bigint);
  END IF;
  RETURN NULL;
END $$;

DROP FUNCTION "order_rollup_add"(TEXT, DATE, "OrderStatus", INTEGER, BIGINT, BIGINT);

-- A createdAt moved within its day now moves its quarter hour.
DROP TRIGGER "orders_rollup_update" ON "orders";
CREATE TRIGGER "orders_rollup_update" AFTER UPDATE OF "tenantId", "createdAt", "status", "totalCents", "refundedTotalCents" ON "orders" FOR EACH ROW
  WHEN ((OLD."tenantId", OLD."createdAt", OLD."status", OLD."totalCents", OLD."refundedTotalCents")
        IS DISTINCT FROM (NEW."tenantId", NEW."createdAt", NEW."status", NEW."totalCents", NEW."refundedTotalCents"))
  EXECUTE FUNCTION "orders_rollup"();

-- Backfill from the orders there are, under a SHARE lock as the daily rollups' (nothing counted twice or missed).
LOCK TABLE "orders" IN SHARE MODE;
INSERT INTO "order_sales_rollups" ("tenantId", "quarterHour", "status", "slot", "orders", "totalCents", "refundedCents")
SELECT "tenantId", date_bin('15 minutes', "createdAt", TIMESTAMP '2000-01-01'), "status", 0, count(*)::int, sum("totalCents")::bigint, sum("refundedTotalCents")::bigint
FROM "orders"
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3; -- written in the order the dashboard reads them (a shop's quarter hours side by side)
