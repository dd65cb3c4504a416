-- The admin order list's customer search (src/surfaces/admin/resources/orders.resource.ts orderSearch) reads
-- customers with "displayName" ILIKE '%term%' OR username ILIKE '%term%': a trigram GIN index on each column
-- lets PostgreSQL answer it with a BitmapOr of index scans instead of reading every customer of every shop.
-- pg_trgm ships with PostgreSQL's contrib (the embedded-postgres binaries and the Debian packages have it)
-- and is a trusted extension: the database owner may create it. See docs/decisions/customer-search-trigram.md.
-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "customers_displayName_trgm_idx" ON "customers" USING GIN ("displayName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "customers_username_trgm_idx" ON "customers" USING GIN ("username" gin_trgm_ops);

