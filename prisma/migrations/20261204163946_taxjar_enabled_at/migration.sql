-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "taxjarEnabledAt" TIMESTAMP(3);


-- Stamped whenever TaxJar is switched on, by any path (the panel's settings, the API, SQL by hand), so the
-- TaxJar sync can tell an order paid while it was off (not filed later) from one paid while it was on.
-- Columns hold UTC wall time, as every other timestamp here.
CREATE FUNCTION "tenants_stamp_taxjar_enabled_at"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."taxjarEnabled" AND NOT OLD."taxjarEnabled" THEN
    NEW."taxjarEnabledAt" := now() AT TIME ZONE 'UTC';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "tenants_stamp_taxjar_enabled_at" BEFORE UPDATE OF "taxjarEnabled" ON "tenants" FOR EACH ROW
  EXECUTE FUNCTION "tenants_stamp_taxjar_enabled_at"();
