-- CreateEnum
CREATE TYPE "PaymentProvider" AS ENUM ('PAYPAL', 'SQUARE', 'BTCPAY');

-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('UNTESTED', 'CONNECTED', 'FAILED', 'DISCONNECTED');

-- CreateEnum
CREATE TYPE "CheckoutState" AS ENUM ('CREATING', 'OPEN', 'APPROVED', 'PENDING', 'PAID', 'FAILED', 'EXPIRED', 'VOIDED');

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "payment_connections" (
    "id" TEXT NOT NULL DEFAULT ('pcn_' || replace((gen_random_uuid())::text, '-', '')),
    "tenantId" TEXT NOT NULL,
    "provider" "PaymentProvider" NOT NULL,
    "environment" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "secrets" TEXT,
    "secretHints" JSONB NOT NULL DEFAULT '{}',
    "status" "ConnectionStatus" NOT NULL DEFAULT 'UNTESTED',
    "lastTestOk" BOOLEAN,
    "lastTestMessage" TEXT,
    "lastTestedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "payment_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_checkouts" (
    "id" TEXT NOT NULL DEFAULT ('chk_' || replace((gen_random_uuid())::text, '-', '')),
    "tenantId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "provider" "PaymentProvider" NOT NULL,
    "method" "PaymentMethod" NOT NULL,
    "providerCheckoutId" TEXT,
    "amountCents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "orderVersion" INTEGER NOT NULL,
    "state" "CheckoutState" NOT NULL DEFAULT 'CREATING',
    "providerStatus" TEXT,
    "paidAmountCents" INTEGER,
    "paymentReference" TEXT,
    "unappliedAction" TEXT,
    "unappliedReason" TEXT,
    "voidedAt" TIMESTAMP(3),
    "voidReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "payment_checkouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_webhook_events" (
    "id" TEXT NOT NULL DEFAULT ('pwe_' || replace((gen_random_uuid())::text, '-', '')),
    "provider" "PaymentProvider" NOT NULL,
    "eventId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "checkoutId" TEXT,
    "outcome" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provider_webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "payment_connections_tenantId_provider_key" ON "payment_connections"("tenantId", "provider");

-- CreateIndex
CREATE INDEX "payment_checkouts_orderId_idx" ON "payment_checkouts"("orderId");

-- CreateIndex
CREATE INDEX "payment_checkouts_state_createdAt_idx" ON "payment_checkouts"("state", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "payment_checkouts_provider_providerCheckoutId_key" ON "payment_checkouts"("provider", "providerCheckoutId");

-- CreateIndex
CREATE UNIQUE INDEX "provider_webhook_events_provider_eventId_key" ON "provider_webhook_events"("provider", "eventId");

-- AddForeignKey
ALTER TABLE "payment_connections" ADD CONSTRAINT "payment_connections_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_checkouts" ADD CONSTRAINT "payment_checkouts_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_checkouts" ADD CONSTRAINT "payment_checkouts_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_checkouts" ADD CONSTRAINT "payment_checkouts_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "payment_connections"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Invariants (Prisma has no syntax for CHECK constraints).
ALTER TABLE "payment_checkouts" ADD CONSTRAINT "payment_checkouts_amount_positive" CHECK ("amountCents" > 0);
ALTER TABLE "payment_checkouts" ADD CONSTRAINT "payment_checkouts_paid_nonnegative" CHECK ("paidAmountCents" IS NULL OR "paidAmountCents" >= 0);
ALTER TABLE "payment_connections" ADD CONSTRAINT "payment_connections_environment_valid" CHECK ("environment" IN ('sandbox', 'live', 'production'));

-- orders.version: bumped whenever what a checkout charges for changes, by every writer (Prisma, the order
-- flow's plain SQL, other helpers' code) because it is a trigger. When the order has open checkouts, the same
-- transaction enqueues payment.checkouts.void_stale, which voids them at the provider (and, through the
-- ledger, refunds a payment that still arrives for one).
CREATE FUNCTION "orders_bump_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW."status", NEW."totalCents", NEW."currency", NEW."subtotalCents", NEW."discountCents", NEW."shippingCents", NEW."taxAmountCents")
     IS DISTINCT FROM
     (OLD."status", OLD."totalCents", OLD."currency", OLD."subtotalCents", OLD."discountCents", OLD."shippingCents", OLD."taxAmountCents") THEN
    NEW."version" := OLD."version" + 1;
    IF EXISTS (SELECT 1 FROM "payment_checkouts" c WHERE c."orderId" = NEW."id" AND c."state" IN ('CREATING', 'OPEN', 'APPROVED', 'PENDING')) THEN
      PERFORM graphile_worker.add_job('payment.checkouts.void_stale',
        json_build_object('tenantId', NEW."tenantId", 'orderId', NEW."id"),
        job_key => 'void-stale:' || NEW."id", max_attempts => 12);
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "orders_bump_version" BEFORE UPDATE ON "orders" FOR EACH ROW EXECUTE FUNCTION "orders_bump_version"();

-- The generic "hosted-checkout processor" is gone: processor-backed methods need the shop's own connection
-- now, and no shop has one yet, so they are switched off until the owner connects (Settings -> Payments).
-- payments.providerReference keeps the old checkout ids: refunds of those payments are reported as
-- "return the money yourself" (no connection knows them).
UPDATE "tenants" SET "enabledPaymentMethods" = array(
  SELECT m FROM unnest("enabledPaymentMethods") AS m WHERE m NOT IN ('PAYPAL', 'CASHAPP_PAY', 'BTC_INVOICE'))
WHERE "enabledPaymentMethods" && ARRAY['PAYPAL', 'CASHAPP_PAY', 'BTC_INVOICE']::"PaymentMethod"[];
