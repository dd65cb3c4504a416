-- A statement that must fail whole when a check it makes does not hold (checkout's last statement, sent
-- with its COMMIT: docs/decisions/order-numbers.md) calls this from a CASE: it raises SQLSTATE LL001 with
-- the check's name as the message and what the statement found (JSON) as the detail, which the caller
-- turns into its own error (src/platform/db/check-failure.ts). VOLATILE (the default), so the planner
-- never evaluates it ahead of the CASE that guards it.
CREATE FUNCTION "raise_check_failed"(check_name TEXT, what JSON) RETURNS INTEGER LANGUAGE plpgsql AS $$
BEGIN
  -- (Not "found": PL/pgSQL has a variable of that name.)
  RAISE EXCEPTION USING ERRCODE = 'LL001', MESSAGE = check_name, DETAIL = COALESCE(what::text, 'null');
END $$;
