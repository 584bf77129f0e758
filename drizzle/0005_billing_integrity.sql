-- Hand-written: billing's guarantees held by the database as well as by lib/billing (defence in
-- depth: a bug, or a direct UPDATE as radiant_platform or as the owner, cannot rewrite an issued
-- invoice, write into a closed accounting period, or run one month's billing twice at once).
-- drizzle-kit cannot express functions, triggers, partial expression indexes or column grants.
-- docs/billing.md explains the rules these enforce.

-- ---------------------------------------------------------------------------------------------
-- Booking: which accounting period a usage event lands in (used by lib/billing/rollups.ts).
-- A (tenant, period) is open for usage while the period is 'open' AND the tenant has no issued
-- invoice for it (draft or void do not count). Usage for a period that is no longer open is
-- booked to the first later period that is (late usage).
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION radiant_billing_open_for(p_tenant uuid, p_period text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT NOT EXISTS (SELECT 1 FROM accounting_periods ap WHERE ap.period = p_period AND ap.status <> 'open')
     AND NOT EXISTS (SELECT 1 FROM invoices i
                      WHERE i.tenant_id = p_tenant AND i.period = p_period AND i.status NOT IN ('draft', 'void'))
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION radiant_billing_booking_period(p_tenant uuid, p_period text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  candidate text := p_period;
BEGIN
  FOR i IN 0..600 LOOP
    IF radiant_billing_open_for(p_tenant, candidate) THEN
      RETURN candidate;
    END IF;
    candidate := to_char(to_date(candidate || '-01', 'YYYY-MM-DD') + interval '1 month', 'YYYY-MM');
  END LOOP;
  RAISE EXCEPTION 'no open accounting period after %', p_period;
END
$$;
--> statement-breakpoint

-- ---------------------------------------------------------------------------------------------
-- Invoices: created as drafts; issuing (draft -> pending) assigns the number; after that only
-- the status moves, along the allowed transitions, with its own timestamps/reason/metadata.
-- Nothing else of an issued invoice changes, and it is never deleted. Invoices of a CLOSED
-- period can still be paid, fail or be refunded, but not be issued or voided.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION radiant_invoice_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  period_status text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'invoice % is issued (%): it cannot be deleted, void it instead', coalesce(OLD.invoice_number, OLD.id::text), OLD.status
        USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
  END IF;

  SELECT status INTO period_status FROM accounting_periods WHERE period = NEW.period;

  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'draft' OR NEW.invoice_number IS NOT NULL THEN
      RAISE EXCEPTION 'invoices are created as drafts without a number (got % %)', NEW.status, NEW.invoice_number
        USING ERRCODE = 'check_violation';
    END IF;
    IF period_status = 'closed' THEN
      RAISE EXCEPTION 'accounting period % is closed: no new invoices', NEW.period USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;

  -- UPDATE
  IF OLD.status = 'draft' THEN
    IF NEW.status NOT IN ('draft', 'pending') THEN
      RAISE EXCEPTION 'a draft invoice can only be issued (draft -> %)', NEW.status USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'pending' AND (NEW.invoice_number IS NULL OR NEW.issued_at IS NULL) THEN
      RAISE EXCEPTION 'issuing an invoice needs its number and issue time' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'draft' AND NEW.invoice_number IS NOT NULL THEN
      RAISE EXCEPTION 'a draft invoice has no number' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'pending' AND period_status = 'closed' THEN
      RAISE EXCEPTION 'accounting period % is closed: no new invoices', NEW.period USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;

  IF NOT ((OLD.status = 'pending' AND NEW.status IN ('paid', 'failed', 'void'))
       OR (OLD.status = 'failed' AND NEW.status IN ('paid', 'void'))
       OR (OLD.status = 'paid' AND NEW.status = 'refunded')) THEN
    RAISE EXCEPTION 'issued invoice % is immutable: status % -> % is not allowed', coalesce(OLD.invoice_number, OLD.id::text), OLD.status, NEW.status
      USING ERRCODE = 'check_violation';
  END IF;
  IF (NEW.id, NEW.tenant_id, NEW.invoice_number, NEW.period, NEW.period_start, NEW.period_end, NEW.currency,
      NEW.subtotal, NEW.free_tier_credit, NEW.discount_percent, NEW.discount_amount, NEW.tax_rate_percent,
      NEW.tax_amount, NEW.total_amount, NEW.issued_at, NEW.due_at, NEW.replaces_invoice_id, NEW.billing_run_id,
      NEW.notes, NEW.created_at)
     IS DISTINCT FROM
     (OLD.id, OLD.tenant_id, OLD.invoice_number, OLD.period, OLD.period_start, OLD.period_end, OLD.currency,
      OLD.subtotal, OLD.free_tier_credit, OLD.discount_percent, OLD.discount_amount, OLD.tax_rate_percent,
      OLD.tax_amount, OLD.total_amount, OLD.issued_at, OLD.due_at, OLD.replaces_invoice_id, OLD.billing_run_id,
      OLD.notes, OLD.created_at) THEN
    RAISE EXCEPTION 'issued invoice % is immutable: only its status may change (void and reissue to correct it)', coalesce(OLD.invoice_number, OLD.id::text)
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status = 'void' AND period_status = 'closed' THEN
    RAISE EXCEPTION 'accounting period % is closed: its invoices cannot be voided', NEW.period USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER invoices_guard BEFORE INSERT OR UPDATE OR DELETE ON invoices
  FOR EACH ROW EXECUTE FUNCTION radiant_invoice_guard();
--> statement-breakpoint
CREATE TRIGGER invoices_no_truncate BEFORE TRUNCATE ON invoices
  FOR EACH STATEMENT EXECUTE FUNCTION radiant_refuse_change();
--> statement-breakpoint

-- Lines belong to a draft until it is issued; then they are frozen with it.
CREATE OR REPLACE FUNCTION radiant_invoice_line_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  s text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT status INTO s FROM invoices WHERE id = OLD.invoice_id;
    IF s IS NOT NULL AND s <> 'draft' THEN
      RAISE EXCEPTION 'lines of an issued invoice are immutable (% refused)', TG_OP USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT status INTO s FROM invoices WHERE id = NEW.invoice_id;
    IF s IS NOT NULL AND s <> 'draft' THEN
      RAISE EXCEPTION 'lines of an issued invoice are immutable (% refused)', TG_OP USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER invoice_lines_guard BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
  FOR EACH ROW EXECUTE FUNCTION radiant_invoice_line_guard();
--> statement-breakpoint
CREATE TRIGGER invoice_lines_no_truncate BEFORE TRUNCATE ON invoice_lines
  FOR EACH STATEMENT EXECUTE FUNCTION radiant_refuse_change();
--> statement-breakpoint

-- ---------------------------------------------------------------------------------------------
-- Accounting periods: open -> closing -> closed (closing -> open allowed: a withdrawn close);
-- a closed period is final and never deleted.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION radiant_period_status_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'open' THEN
      RAISE EXCEPTION 'accounting period % is %: it cannot be deleted', OLD.period, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'closed' THEN
    RAISE EXCEPTION 'accounting period % is closed: it cannot change', OLD.period USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.period IS DISTINCT FROM OLD.period OR NEW.starts_on IS DISTINCT FROM OLD.starts_on OR NEW.ends_on IS DISTINCT FROM OLD.ends_on THEN
    RAISE EXCEPTION 'accounting period % cannot be renamed or moved', OLD.period USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'open' AND NEW.status = 'closing')
    OR (OLD.status = 'closing' AND NEW.status IN ('open', 'closed'))) THEN
    RAISE EXCEPTION 'accounting period %: % -> % is not allowed', OLD.period, OLD.status, NEW.status USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER accounting_periods_guard BEFORE UPDATE OR DELETE ON accounting_periods
  FOR EACH ROW EXECUTE FUNCTION radiant_period_status_guard();
--> statement-breakpoint

-- A closed period accepts no new entries, and its entries never change.
CREATE OR REPLACE FUNCTION radiant_closed_period_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  p text;
BEGIN
  FOREACH p IN ARRAY ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.period END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.period END] LOOP
    IF p IS NOT NULL AND EXISTS (SELECT 1 FROM accounting_periods WHERE period = p AND status = 'closed') THEN
      RAISE EXCEPTION 'accounting period % is closed: % on % refused', p, TG_OP, TG_TABLE_NAME USING ERRCODE = 'check_violation';
    END IF;
  END LOOP;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER revenue_entries_period_guard BEFORE INSERT OR UPDATE OR DELETE ON revenue_entries
  FOR EACH ROW EXECUTE FUNCTION radiant_closed_period_guard();
--> statement-breakpoint
CREATE TRIGGER cost_entries_period_guard BEFORE INSERT OR UPDATE OR DELETE ON cost_entries
  FOR EACH ROW EXECUTE FUNCTION radiant_closed_period_guard();
--> statement-breakpoint
CREATE TRIGGER reconciliation_entries_period_guard BEFORE INSERT OR UPDATE OR DELETE ON reconciliation_entries
  FOR EACH ROW EXECUTE FUNCTION radiant_closed_period_guard();
--> statement-breakpoint

-- ---------------------------------------------------------------------------------------------
-- One active billing run per (period, tenant scope): the scheduler on several instances, the
-- CLI and the admin button cannot run the same month at the same time. NULL tenant = all.
-- ---------------------------------------------------------------------------------------------
CREATE UNIQUE INDEX uq_billing_run_active ON billing_runs (period, (coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid)))
  WHERE status IN ('queued', 'running');
--> statement-breakpoint

-- Admin dashboards: "top tenants over N days" reads only this index (index-only scan).
CREATE INDEX idx_rollups_date_tenant_cover ON usage_rollups (rollup_date, tenant_id) INCLUDE (price, cost, request_count);
--> statement-breakpoint

-- ---------------------------------------------------------------------------------------------
-- Tenants read their own rollups, invoices and revenue entries (RLS), but never our cost:
-- column-level SELECT without the cost/markup columns (defence in depth behind the tenant
-- serializers). Tenants have no use for cost_entries at all beyond what RLS tests count.
-- ---------------------------------------------------------------------------------------------
REVOKE SELECT ON usage_rollups, revenue_entries, cost_entries FROM radiant_app;
--> statement-breakpoint
GRANT SELECT (id, tenant_id, rollup_date, model_id, provider_id, user_id, request_count, success_count, error_count,
              input_tokens, cached_input_tokens, output_tokens, image_count, video_seconds, audio_minutes, characters,
              tool_calls, price, total_latency_ms, created_at, updated_at)
  ON usage_rollups TO radiant_app;
--> statement-breakpoint
GRANT SELECT (id, tenant_id, period, entry_date, kind, model_id, provider_id, amount, source_ref, description, created_at)
  ON revenue_entries TO radiant_app;
--> statement-breakpoint
GRANT SELECT (id, tenant_id, period, entry_date, kind, created_at) ON cost_entries TO radiant_app;
