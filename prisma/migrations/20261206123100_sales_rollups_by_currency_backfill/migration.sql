-- The sales per currency of the orders there are (previous migration; docs/decisions/dashboard-rollups.md,
-- "Currencies"), without a lock on orders: one statement adds to each bucket (tenant, quarter hour, status,
-- currency) what the orders have and its rows lack. The orders and the rows are read in the statement's one
-- snapshot, and every order write since the previous migration changed its order and its rollup row in one
-- transaction: a write this snapshot sees is in both, one it does not see adds its own change after. So the
-- buckets come out exact while orders are written, and the statement run again adds nothing.
-- It writes slot 16, which no order write takes (they take pg_backend_pid() % 16, 0 to 15): its row locks, held to
-- the migration's commit, then never meet a writer's, which lock an order's old bucket before its new one in either
-- key order (a deadlock is not retried by the migration runner). The fold job moves slot 16 into slot 0 with the rest.
INSERT INTO "order_currency_sales_rollups" AS r ("tenantId", "quarterHour", "status", "currency", "slot", "orders", "totalCents", "refundedCents")
SELECT d."tenantId", d."quarterHour", d."status", d."currency", 16, sum(d.orders)::int, sum(d.total)::bigint, sum(d.refunded)::bigint
FROM (
  SELECT "tenantId", date_bin('15 minutes', "createdAt", TIMESTAMP '2000-01-01') AS "quarterHour", "status", "currency",
         count(*) AS orders, sum("totalCents") AS total, sum("refundedTotalCents") AS refunded
  FROM "orders"
  GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT "tenantId", "quarterHour", "status", "currency", -sum("orders"), -sum("totalCents"), -sum("refundedCents")
  FROM "order_currency_sales_rollups"
  GROUP BY 1, 2, 3, 4
) d
GROUP BY 1, 2, 3, 4
HAVING (sum(d.orders), sum(d.total), sum(d.refunded)) <> (0, 0, 0)
ORDER BY 1, 2, 3, 4 -- written in the order the dashboard reads them (a shop's quarter hours side by side)
ON CONFLICT ("tenantId", "quarterHour", "status", "currency", "slot") DO UPDATE
  SET "orders" = r."orders" + EXCLUDED."orders",
      "totalCents" = r."totalCents" + EXCLUDED."totalCents",
      "refundedCents" = r."refundedCents" + EXCLUDED."refundedCents";
