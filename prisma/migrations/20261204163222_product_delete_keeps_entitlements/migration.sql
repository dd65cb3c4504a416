-- DropForeignKey
ALTER TABLE "entitlements" DROP CONSTRAINT "entitlements_productId_fkey";

-- AddForeignKey
ALTER TABLE "entitlements" ADD CONSTRAINT "entitlements_productId_fkey" FOREIGN KEY ("productId") REFERENCES "products"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

