-- Hand-written: roles, grants, row-level security and the append-only audit trail.
-- drizzle-kit cannot express FORCE ROW LEVEL SECURITY, GRANTs or roles that already exist on the
-- server, so this lives here, in the migration history, with the reasons next to each part.

-- ---------------------------------------------------------------------------------------------
-- Roles. Roles are server-wide (several databases on one server share them), hence IF NOT EXISTS.
--   radiant_app      tenant work. No BYPASSRLS, owns nothing: every tenant table is guarded by
--                    policies keyed on app.current_tenant_id, and with no tenant set sees nothing.
--   radiant_platform platform-admin and system work across tenants (admin console, metering
--                    writer, billing). Also no BYPASSRLS: it sees all rows because explicit
--                    policies say so, and it still cannot rewrite the audit trail.
-- The connecting (owner) user switches to one of them per transaction with SET LOCAL ROLE
-- (lib/db/tenant.ts), so no query runs as the owner by accident of a forgotten setting.
-- ---------------------------------------------------------------------------------------------
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'radiant_app') THEN
    CREATE ROLE radiant_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'radiant_platform') THEN
    CREATE ROLE radiant_platform LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  -- A non-superuser owner (managed PostgreSQL) needs membership to SET ROLE.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT radiant_app, radiant_platform TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO radiant_app, radiant_platform;
--> statement-breakpoint

-- The tenant setting reads as '' (not NULL) on a pooled connection once any transaction has set
-- it, and ''::uuid would throw: nullif makes "no tenant" NULL, and NULL matches no row.
CREATE OR REPLACE FUNCTION radiant_current_tenant() RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('app.current_tenant_id', true), '')::uuid
$$;
--> statement-breakpoint

-- One way to put a table under tenant RLS, used by this and later migrations.
-- ENABLE + FORCE (FORCE binds a non-superuser owner too); radiant_app is limited to its tenant
-- for reads (USING) and writes (WITH CHECK); radiant_platform may see and write every row.
-- There is deliberately NO "OR tenant IS NULL" escape (the seed's hole on users).
CREATE OR REPLACE FUNCTION radiant_tenant_rls(tbl regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', tbl);
  EXECUTE format('DROP POLICY IF EXISTS platform_access ON %s', tbl);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s FOR ALL TO radiant_app
       USING (tenant_id = radiant_current_tenant())
       WITH CHECK (tenant_id = radiant_current_tenant())', tbl);
  EXECUTE format(
    'CREATE POLICY platform_access ON %s FOR ALL TO radiant_platform USING (true) WITH CHECK (true)', tbl);
END
$$;
--> statement-breakpoint

SELECT radiant_tenant_rls(t::regclass) FROM unnest(ARRAY[
  'users', 'api_keys', 'tenant_model_access',
  'usage_events', 'provider_rejections', 'user_rejection_notifications', 'idempotency_keys', 'request_logs',
  'usage_rollups', 'invoices', 'invoice_lines', 'revenue_entries', 'cost_entries',
  'consent_records', 'gdpr_requests', 'data_retention_policies', 'hipaa_config', 'phi_access_log',
  'notifications', 'audit_logs'
]) AS t;
--> statement-breakpoint

-- tenants: a tenant sees (and may update) only its own row.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_self ON tenants FOR SELECT TO radiant_app USING (id = radiant_current_tenant());
--> statement-breakpoint
CREATE POLICY tenant_self_update ON tenants FOR UPDATE TO radiant_app
  USING (id = radiant_current_tenant()) WITH CHECK (id = radiant_current_tenant());
--> statement-breakpoint
CREATE POLICY platform_access ON tenants FOR ALL TO radiant_platform USING (true) WITH CHECK (true);
--> statement-breakpoint

-- ---------------------------------------------------------------------------------------------
-- Grants. radiant_app gets only what tenant-facing code needs; the books are written by the
-- platform path, so tenants can read their invoices but not write them.
-- ---------------------------------------------------------------------------------------------
GRANT SELECT ON providers, models, markup_overrides, accounting_periods TO radiant_app;
--> statement-breakpoint
GRANT SELECT, UPDATE ON tenants TO radiant_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON
  users, api_keys, tenant_model_access, idempotency_keys, request_logs, user_rejection_notifications,
  consent_records, gdpr_requests, data_retention_policies, hipaa_config, notifications
  TO radiant_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON usage_events, provider_rejections, phi_access_log, audit_logs TO radiant_app;
--> statement-breakpoint
GRANT SELECT ON usage_rollups, invoices, invoice_lines, revenue_entries, cost_entries TO radiant_app;
--> statement-breakpoint

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO radiant_platform;
--> statement-breakpoint
-- The audit trail and the PHI access log are append-only for everyone; privileges first...
REVOKE UPDATE, DELETE, TRUNCATE ON audit_logs, phi_access_log FROM radiant_platform, radiant_app;
--> statement-breakpoint

-- ...and a trigger second, which also stops the owner.
CREATE OR REPLACE FUNCTION radiant_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs
  FOR EACH ROW EXECUTE FUNCTION radiant_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION radiant_refuse_change();
--> statement-breakpoint
CREATE TRIGGER phi_access_log_append_only BEFORE UPDATE OR DELETE ON phi_access_log
  FOR EACH ROW EXECUTE FUNCTION radiant_refuse_change();
--> statement-breakpoint
CREATE TRIGGER phi_access_log_no_truncate BEFORE TRUNCATE ON phi_access_log
  FOR EACH STATEMENT EXECUTE FUNCTION radiant_refuse_change();
