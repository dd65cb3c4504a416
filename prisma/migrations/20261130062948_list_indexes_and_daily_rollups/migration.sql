-- DropIndex
DROP INDEX "orders_tenantId_status_idx";

-- DropIndex
DROP INDEX "orders_tenantId_createdAt_idx";

-- DropIndex
DROP INDEX "orders_tenantId_customerId_createdAt_idx";

-- CreateTable
CREATE TABLE "order_daily_rollups" (
    "tenantId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "status" "OrderStatus" NOT NULL,
    "slot" SMALLINT NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "totalCents" BIGINT NOT NULL DEFAULT 0,
    "refundedCents" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "order_daily_rollups_pkey" PRIMARY KEY ("tenantId","day","status","slot")
);

-- CreateIndex
CREATE INDEX "orders_tenantId_status_createdAt_id_idx" ON "orders"("tenantId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "orders_tenantId_createdAt_id_idx" ON "orders"("tenantId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "orders_tenantId_customerId_createdAt_id_idx" ON "orders"("tenantId", "customerId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "orders_tenantId_paymentMethod_createdAt_id_idx" ON "orders"("tenantId", "paymentMethod", "createdAt", "id");

-- CreateIndex
CREATE INDEX "orders_tenantId_shippingStatus_createdAt_id_idx" ON "orders"("tenantId", "shippingStatus", "createdAt", "id");

-- CreateIndex
CREATE INDEX "orders_tenantId_totalCents_idx" ON "orders"("tenantId", "totalCents");

-- AddForeignKey
ALTER TABLE "order_daily_rollups" ADD CONSTRAINT "order_daily_rollups_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The dashboard's rollups (docs/decisions/dashboard-rollups.md): every insert, delete, or change of an order's
-- tenant, day, status, total or refunded total moves its contribution from the old bucket to the new one, in
-- the transaction that changes the order, whoever writes it (services, plain SQL, the panel, a script). The
-- slot is the writing connection's pid modulo 16: concurrent transactions of one shop on one day write
-- different rows, so a checkout never waits for another one's rollup update; readers sum the slots.
CREATE FUNCTION "order_rollup_add"(t TEXT, d DATE, s "OrderStatus", n INTEGER, total BIGINT, refunded BIGINT) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "order_daily_rollups" AS r ("tenantId", "day", "status", "slot", "orders", "totalCents", "refundedCents")
  VALUES (t, d, s, (pg_backend_pid() % 16)::smallint, n, total, refunded)
  ON CONFLICT ("tenantId", "day", "status", "slot") DO UPDATE
    SET "orders" = r."orders" + EXCLUDED."orders",
        "totalCents" = r."totalCents" + EXCLUDED."totalCents",
        "refundedCents" = r."refundedCents" + EXCLUDED."refundedCents";
$$;

CREATE FUNCTION "orders_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    -- A tenant being deleted takes its rollups with it (cascade): nothing to subtract from.
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM "tenants" WHERE "id" = OLD."tenantId") THEN
      RETURN NULL;
    END IF;
    PERFORM "order_rollup_add"(OLD."tenantId", OLD."createdAt"::date, OLD."status", -1, -OLD."totalCents"::bigint, -OLD."refundedTotalCents"::bigint);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "order_rollup_add"(NEW."tenantId", NEW."createdAt"::date, NEW."status", 1, NEW."totalCents"::bigint, NEW."refundedTotalCents"::bigint);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "orders_rollup_insert" AFTER INSERT ON "orders" FOR EACH ROW EXECUTE FUNCTION "orders_rollup"();
CREATE TRIGGER "orders_rollup_delete" AFTER DELETE ON "orders" FOR EACH ROW EXECUTE FUNCTION "orders_rollup"();
CREATE TRIGGER "orders_rollup_update" AFTER UPDATE OF "tenantId", "createdAt", "status", "totalCents", "refundedTotalCents" ON "orders" FOR EACH ROW
  WHEN ((OLD."tenantId", OLD."createdAt"::date, OLD."status", OLD."totalCents", OLD."refundedTotalCents")
        IS DISTINCT FROM (NEW."tenantId", NEW."createdAt"::date, NEW."status", NEW."totalCents", NEW."refundedTotalCents"))
  EXECUTE FUNCTION "orders_rollup"();

-- Backfill from the orders there are. SHARE mode: no order changes between the triggers' creation and the
-- count (this migration's transaction holds it until commit), so nothing is counted twice or missed.
LOCK TABLE "orders" IN SHARE MODE;
INSERT INTO "order_daily_rollups" ("tenantId", "day", "status", "slot", "orders", "totalCents", "refundedCents")
SELECT "tenantId", "createdAt"::date, "status", 0, count(*)::int, sum("totalCents")::bigint, sum("refundedTotalCents")::bigint
FROM "orders"
GROUP BY 1, 2, 3;
