-- 0025: usage_events(created_at) back to a btree (0016 made it BRIN). The admin usage explorer's
-- request list is "newest first across all tenants" (ORDER BY created_at DESC, seq DESC LIMIT n):
-- a BRIN cannot give that order, so PostgreSQL read and sorted the whole month partition, 2.4 s
-- for the query and 6.0 s for the page at 10 M events (BENCHMARKS.md, customer lists at scale);
-- with the btree it reads the newest rows only (1.5 ms). Costs about 20 bytes per event.
DROP INDEX "idx_usage_time";--> statement-breakpoint
CREATE INDEX "idx_usage_time" ON "usage_events" USING btree ("created_at");
