-- 0023: cheaper rollup upserts (issue 16; docs/billing.md, "The usage ledger"). Hand-written
-- around drizzle-kit's index drop (the snapshot matches lib/db/schema/billing.ts).
--
-- Why: a rollup batch of 50,000 events spread over a month upserts ~41,000 rows into each of
-- usage_rollups, revenue_entries and cost_entries. In its EXPLAIN ANALYZE the closed-period
-- guard on the two books, a PL/pgSQL row trigger running a query per row, took 1.2 of 9 s.
--  - The guard is the same rule, checked once per STATEMENT over the rows it wrote (transition
--    tables): an INSERT, UPDATE (including INSERT ... ON CONFLICT DO UPDATE) or DELETE touching
--    a closed period's entries is refused with the same error, and rolled back with the
--    statement. reconciliation_entries keeps its row trigger (a handful of rows a batch).
--  - idx_rollups_date (rollup_date) goes: idx_rollups_date_tenant_cover (rollup_date, tenant_id)
--    INCLUDE (...) from 0005 serves every date range it served, and it was one more index
--    insert per rollup row.
DROP INDEX "idx_rollups_date";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION radiant_closed_period_guard_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  p text;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT n.period INTO p FROM new_rows n JOIN accounting_periods a ON a.period = n.period AND a.status = 'closed' LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'accounting period % is closed: % on % refused', p, TG_OP, TG_TABLE_NAME USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT o.period INTO p FROM old_rows o JOIN accounting_periods a ON a.period = o.period AND a.status = 'closed' LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'accounting period % is closed: % on % refused', p, TG_OP, TG_TABLE_NAME USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER revenue_entries_period_guard ON revenue_entries;
--> statement-breakpoint
DROP TRIGGER cost_entries_period_guard ON cost_entries;
--> statement-breakpoint
CREATE TRIGGER revenue_entries_period_guard_insert AFTER INSERT ON revenue_entries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION radiant_closed_period_guard_rows();
--> statement-breakpoint
CREATE TRIGGER revenue_entries_period_guard_update AFTER UPDATE ON revenue_entries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION radiant_closed_period_guard_rows();
--> statement-breakpoint
CREATE TRIGGER revenue_entries_period_guard_delete AFTER DELETE ON revenue_entries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION radiant_closed_period_guard_rows();
--> statement-breakpoint
CREATE TRIGGER cost_entries_period_guard_insert AFTER INSERT ON cost_entries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION radiant_closed_period_guard_rows();
--> statement-breakpoint
CREATE TRIGGER cost_entries_period_guard_update AFTER UPDATE ON cost_entries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION radiant_closed_period_guard_rows();
--> statement-breakpoint
CREATE TRIGGER cost_entries_period_guard_delete AFTER DELETE ON cost_entries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION radiant_closed_period_guard_rows();
