CREATE TABLE "metering_quarantine" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" varchar(20) NOT NULL,
	"request_id" varchar(100) NOT NULL,
	"tenant_id" uuid,
	"reason" text NOT NULL,
	"sql_state" varchar(5),
	"payload" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"status" varchar(20) DEFAULT 'open' NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid
);
--> statement-breakpoint
CREATE UNIQUE INDEX "uq_quarantine_item" ON "metering_quarantine" USING btree ("kind","request_id");--> statement-breakpoint
CREATE INDEX "idx_quarantine_open" ON "metering_quarantine" USING btree ("first_seen_at") WHERE status = 'open';--> statement-breakpoint
-- Hand-written (drizzle-kit emits neither grants nor FORCE): metering_quarantine refers to a
-- tenant but is platform data (payloads carry our cost and markup), so only radiant_platform may
-- touch it, with RLS forced and a platform-only policy, like tenant_daily_aggregates (0007).
GRANT SELECT, INSERT, UPDATE, DELETE ON metering_quarantine TO radiant_platform;
--> statement-breakpoint
ALTER TABLE metering_quarantine ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE metering_quarantine FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY platform_access ON metering_quarantine FOR ALL TO radiant_platform USING (true) WITH CHECK (true);
