CREATE INDEX "idx_billing_runs_period" ON "billing_runs" USING btree ("period","created_at");--> statement-breakpoint
CREATE INDEX "idx_provider_imports_period" ON "provider_invoice_imports" USING btree ("period","provider_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_reconciliation_period" ON "reconciliation_entries" USING btree ("period","kind");--> statement-breakpoint
CREATE INDEX "idx_export_log_created" ON "revenue_export_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_rollups_tenant_date" ON "usage_rollups" USING btree ("tenant_id","rollup_date");