-- Hand-written: tenant_daily_aggregates (0006) is the admin dashboard's per-tenant daily revenue,
-- cost and margin. It refers to a tenant but is platform data (it carries our cost): only
-- radiant_platform may touch it (0001's blanket grant covered only the tables that existed then),
-- and RLS is forced with a platform-only policy so no other role reads it even if granted.
-- Then it is filled from the rollups that already exist, so dashboards are right at once.
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_daily_aggregates TO radiant_platform;
--> statement-breakpoint
ALTER TABLE tenant_daily_aggregates ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenant_daily_aggregates FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY platform_access ON tenant_daily_aggregates FOR ALL TO radiant_platform USING (true) WITH CHECK (true);
--> statement-breakpoint
INSERT INTO tenant_daily_aggregates (day, tenant_id, request_count, error_count, input_tokens, output_tokens, revenue, cost, margin)
SELECT rollup_date, tenant_id, sum(request_count), sum(error_count), sum(input_tokens), sum(output_tokens),
       sum(price), sum(cost), sum(price) - sum(cost)
  FROM usage_rollups
 GROUP BY rollup_date, tenant_id
ON CONFLICT ON CONSTRAINT uq_tda DO NOTHING;
