-- orders.version also moves with amountReceivedCents: a checkout charges what is still owed (total less
-- received), so a part recorded by hand (payments.recordReceipt) makes every open checkout of the order ask
-- for too much. The same trigger then enqueues payment.checkouts.void_stale, which closes them at the
-- provider (a BTCPay invoice is marked Invalid) before the buyer pays the old amount; the next "Pay" opens a
-- checkout for what is owed now.
CREATE OR REPLACE FUNCTION "orders_bump_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW."status", NEW."totalCents", NEW."currency", NEW."subtotalCents", NEW."discountCents", NEW."shippingCents", NEW."taxAmountCents", NEW."amountReceivedCents")
     IS DISTINCT FROM
     (OLD."status", OLD."totalCents", OLD."currency", OLD."subtotalCents", OLD."discountCents", OLD."shippingCents", OLD."taxAmountCents", OLD."amountReceivedCents") THEN
    NEW."version" := OLD."version" + 1;
    IF EXISTS (SELECT 1 FROM "payment_checkouts" c WHERE c."orderId" = NEW."id" AND c."state" IN ('CREATING', 'OPEN', 'APPROVED', 'PENDING')) THEN
      PERFORM graphile_worker.add_job('payment.checkouts.void_stale',
        json_build_object('tenantId', NEW."tenantId", 'orderId', NEW."id"),
        job_key => 'void-stale:' || NEW."id", max_attempts => 12);
    END IF;
  END IF;
  RETURN NEW;
END $$;
