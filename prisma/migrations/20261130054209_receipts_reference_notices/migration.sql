-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "amountReceivedCents" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "paymentReference" TEXT,
ADD COLUMN     "shippingCarrier" TEXT;

-- CreateTable
CREATE TABLE "payment_receipts" (
    "id" TEXT NOT NULL DEFAULT ('rcp_' || replace((gen_random_uuid())::text, '-', '')),
    "tenantId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "paymentId" TEXT,
    "amountCents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "note" TEXT,
    "actorType" "ActorType" NOT NULL,
    "actorId" TEXT,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_receipts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "missed_notices" (
    "id" TEXT NOT NULL DEFAULT ('mno_' || replace((gen_random_uuid())::text, '-', '')),
    "tenantId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "orderId" TEXT,
    "kind" TEXT NOT NULL,
    "deliveryKey" TEXT NOT NULL,
    "message" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "shownAt" TIMESTAMP(3),

    CONSTRAINT "missed_notices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "payment_receipts_orderId_idx" ON "payment_receipts"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "payment_receipts_tenantId_idempotencyKey_key" ON "payment_receipts"("tenantId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "missed_notices_deliveryKey_key" ON "missed_notices"("deliveryKey");

-- CreateIndex
CREATE INDEX "missed_notices_customerId_shownAt_idx" ON "missed_notices"("customerId", "shownAt");

-- CreateIndex
CREATE INDEX "missed_notices_orderId_idx" ON "missed_notices"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "orders_tenantId_paymentReference_key" ON "orders"("tenantId", "paymentReference");

-- AddForeignKey
ALTER TABLE "payment_receipts" ADD CONSTRAINT "payment_receipts_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_receipts" ADD CONSTRAINT "payment_receipts_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_receipts" ADD CONSTRAINT "payment_receipts_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "payments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "missed_notices" ADD CONSTRAINT "missed_notices_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "missed_notices" ADD CONSTRAINT "missed_notices_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "missed_notices" ADD CONSTRAINT "missed_notices_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Money recorded as received is positive; the order's running sum never goes below zero.
ALTER TABLE "payment_receipts" ADD CONSTRAINT "payment_receipts_amount_positive" CHECK ("amountCents" > 0);
ALTER TABLE "orders" ADD CONSTRAINT "orders_amount_received_nonnegative" CHECK ("amountReceivedCents" >= 0);

-- The payment reference: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn until
-- the shop has no order with it. Two inserts that draw the same candidate in one shop serialize on an
-- advisory lock of (shop, candidate), so the second sees the first's committed row and draws again; the
-- unique index (tenantId, paymentReference) stays the last guard. Setting it to NULL draws a new one, so
-- it can never be cleared.
CREATE FUNCTION "orders_payment_reference"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  alphabet CONSTANT text := 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  candidate text;
BEGIN
  IF NEW."paymentReference" IS NOT NULL THEN
    RETURN NEW;
  END IF;
  LOOP
    candidate := '';
    FOR i IN 1..6 LOOP
      candidate := candidate || substr(alphabet, 1 + floor(random() * length(alphabet))::int, 1);
    END LOOP;
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW."tenantId" || ':ref:' || candidate, 0));
    EXIT WHEN NOT EXISTS (SELECT 1 FROM "orders" WHERE "tenantId" = NEW."tenantId" AND "paymentReference" = candidate);
  END LOOP;
  NEW."paymentReference" := candidate;
  RETURN NEW;
END $$;
CREATE TRIGGER "orders_payment_reference" BEFORE INSERT OR UPDATE OF "paymentReference" ON "orders"
  FOR EACH ROW EXECUTE FUNCTION "orders_payment_reference"();

-- Existing orders get theirs (the trigger draws it), then it is required.
UPDATE "orders" SET "paymentReference" = NULL;
ALTER TABLE "orders" ADD CONSTRAINT "orders_payment_reference_set" CHECK ("paymentReference" IS NOT NULL);

-- Orders paid before receipts existed were paid in full: one receipt each, so the sum matches.
INSERT INTO "payment_receipts" ("tenantId", "orderId", "paymentId", "amountCents", "currency", "note", "actorType", "createdAt")
SELECT o."tenantId", o."id",
       (SELECT p."id" FROM "payments" p WHERE p."orderId" = o."id" AND p."confirmedAt" IS NOT NULL ORDER BY p."confirmedAt" LIMIT 1),
       o."totalCents", o."currency", 'Paid before payment receipts were recorded', 'SYSTEM', o."paidAt"
FROM "orders" o WHERE o."paidAt" IS NOT NULL AND o."totalCents" > 0;
UPDATE "orders" SET "amountReceivedCents" = "totalCents" WHERE "paidAt" IS NOT NULL;
