-- CreateIndex
CREATE INDEX "orders_discountId_idx" ON "orders"("discountId");


-- "usedCount" counts uses against "maxUses" and is kept only while the discount has a limit (submit
-- updates no shared counter for a discount without one). When a limit is set on a discount that had none,
-- its uses are recounted from the orders that name it: every order not cancelled, and those cancelled
-- after they were paid (a paid order keeps its use, refunded or not).
CREATE FUNCTION "discounts_recount_on_limit"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."usedCount" := (
    SELECT count(*)::int FROM orders o
    WHERE o."discountId" = NEW.id AND o."tenantId" = NEW."tenantId"
      AND (o.status <> 'CANCELLED' OR EXISTS (
        SELECT 1 FROM payments p WHERE p."orderId" = o.id AND p.status IN ('paid', 'partially_refunded', 'refunded')))
  );
  RETURN NEW;
END $$;

CREATE TRIGGER "discounts_recount_on_limit" BEFORE UPDATE OF "maxUses" ON "discounts"
  FOR EACH ROW WHEN (OLD."maxUses" IS NULL AND NEW."maxUses" IS NOT NULL) EXECUTE FUNCTION "discounts_recount_on_limit"();
