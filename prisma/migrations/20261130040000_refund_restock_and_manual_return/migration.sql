-- AlterTable
ALTER TABLE "refunds" ADD COLUMN     "manualReturnDoneAt" TIMESTAMP(3),
ADD COLUMN     "manualReturnDoneById" TEXT,
ADD COLUMN     "manualReturnDoneByType" "ActorType",
ADD COLUMN     "manualReturnMethod" "PaymentMethod";


-- A by-hand return can be ticked done only when there is one to do, and done means who and when.
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_manual_return_done_valid" CHECK (
  "manualReturnDoneAt" IS NULL OR ("manualReturnMethod" IS NOT NULL AND "manualReturnDoneByType" IS NOT NULL)
);
