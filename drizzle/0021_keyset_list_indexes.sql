-- Lists read a page at a time in key order (keyset pagination, lib/lists/keyset.ts), with the row
-- id breaking ties. These indexes let each page start where the last one ended instead of
-- sorting the whole set: a tenant's keys by name, a member's own keys newest first (a member of a
-- tenant with 100,000 keys), and the audit log in (created_at, id) order.
CREATE INDEX IF NOT EXISTS idx_api_keys_tenant_name ON api_keys (tenant_id, name, id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS idx_api_keys_tenant_user_created ON api_keys (tenant_id, user_id, created_at DESC, id DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS idx_audit_created_id ON audit_logs (created_at DESC, id DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS idx_approvals_created_id ON approval_requests (created_at DESC, id DESC);
