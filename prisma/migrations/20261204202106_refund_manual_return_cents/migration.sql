-- AlterTable
ALTER TABLE "refunds" ADD COLUMN     "manualReturnCents" INTEGER;


-- A part returned by hand is a part of the refund, and only with a method to send it by.
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_manual_return_cents_valid" CHECK (
  "manualReturnCents" IS NULL OR ("manualReturnCents" > 0 AND "manualReturnCents" <= "amountCents" AND "manualReturnMethod" IS NOT NULL)
);
