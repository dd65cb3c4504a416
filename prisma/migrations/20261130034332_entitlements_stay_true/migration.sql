-- CreateEnum
CREATE TYPE "RoleChangeAction" AS ENUM ('GRANT', 'REVOKE');

-- CreateEnum
CREATE TYPE "DigitalKind" AS ENUM ('LICENSE_KEY', 'DOWNLOAD_LINK');

-- CreateEnum
CREATE TYPE "ProductKeyStatus" AS ENUM ('AVAILABLE', 'DELIVERED', 'REVOKED');

-- CreateEnum
CREATE TYPE "RoleRemovalPolicy" AS ENUM ('REAPPLY', 'RECORD');

-- CreateEnum
CREATE TYPE "RoleChangeState" AS ENUM ('FAILED', 'PENDING', 'DONE');

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "roleRemovalPolicy" "RoleRemovalPolicy" NOT NULL DEFAULT 'REAPPLY';

-- AlterTable
ALTER TABLE "products" ADD COLUMN     "accessDays" INTEGER,
ADD COLUMN     "digitalKind" "DigitalKind",
ADD COLUMN     "downloadUrl" TEXT;

-- AlterTable
ALTER TABLE "entitlements" ADD COLUMN     "endsAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "product_keys" (
    "id" TEXT NOT NULL DEFAULT ('key_' || replace((gen_random_uuid())::text, '-', '')),
    "tenantId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "status" "ProductKeyStatus" NOT NULL DEFAULT 'AVAILABLE',
    "orderId" TEXT,
    "customerId" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "role_changes" (
    "id" TEXT NOT NULL DEFAULT ('rch_' || replace((gen_random_uuid())::text, '-', '')),
    "tenantId" TEXT NOT NULL,
    "entitlementId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "roleId" TEXT NOT NULL,
    "guildId" TEXT,
    "action" "RoleChangeAction" NOT NULL,
    "state" "RoleChangeState" NOT NULL DEFAULT 'PENDING',
    "reason" TEXT NOT NULL DEFAULT '',
    "failureKind" TEXT,
    "failureMessage" TEXT,
    "discordCode" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "role_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "product_keys_productId_status_idx" ON "product_keys"("productId", "status");

-- CreateIndex
CREATE INDEX "product_keys_orderId_idx" ON "product_keys"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "product_keys_productId_code_key" ON "product_keys"("productId", "code");

-- CreateIndex
CREATE INDEX "role_changes_tenantId_state_idx" ON "role_changes"("tenantId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "role_changes_entitlementId_action_key" ON "role_changes"("entitlementId", "action");

-- AddForeignKey
ALTER TABLE "product_keys" ADD CONSTRAINT "product_keys_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "product_keys" ADD CONSTRAINT "product_keys_productId_fkey" FOREIGN KEY ("productId") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_changes" ADD CONSTRAINT "role_changes_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_changes" ADD CONSTRAINT "role_changes_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A product's access lasts at least a day when it is limited at all.
ALTER TABLE "products" ADD CONSTRAINT "products_access_days_positive" CHECK ("accessDays" IS NULL OR "accessDays" > 0);
