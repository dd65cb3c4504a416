-- The /order flow's messages a session was shown in (Discord message ids): a button or menu pressed on a message of
-- the customer's earlier, ended session is refused instead of acting on their current one. A constant default: no
-- rewrite of order_sessions (PostgreSQL 11+ stores it in the catalog).
SET LOCAL lock_timeout = '5s';
ALTER TABLE "order_sessions" ADD COLUMN IF NOT EXISTS "flowMessageIds" TEXT[] DEFAULT ARRAY[]::TEXT[];
