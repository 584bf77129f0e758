CREATE INDEX "idx_cost_period_kind" ON "cost_entries" USING btree ("period","kind");--> statement-breakpoint
CREATE INDEX "idx_revenue_period_kind" ON "revenue_entries" USING btree ("period","kind");