-- 0016: the usage ledger, lean and partitioned by month (issue 16; docs/billing.md, "The usage
-- ledger"). Hand-written: drizzle-kit cannot express partitioning, triggers or grants; the
-- snapshot (meta/0016_snapshot.json) matches lib/db/schema/gateway.ts.
--
-- Why: at 200,000 events the old row cost 515 bytes with its 6 indexes, and the rollup marked
-- every event with an UPDATE (rolled_up_at), doubling the heap until vacuum and folding 2,700 to
-- 15,000 events/s. Now:
--  - usage_events is PARTITIONED BY RANGE (created_at): a partition per month (created ahead by
--    this migration and by the rollup job, radiant_usage_ensure_partitions()) and a DEFAULT
--    partition for anything outside them (tests dated 2020, a clock far off); an old month is
--    detached for archive (docs/billing.md);
--  - no uuid primary key: `seq` (sequence usage_events_seq) orders the ledger; the rollup folds
--    seq ranges up to a high-water mark (usage_rollup_state) instead of updating each event;
--  - request_id stays unique across partitions through usage_request_ids, written by the
--    before-insert trigger in the same statement: a request already in the ledger is skipped
--    (a retried batch or replayed journal line is billed once), whoever inserts;
--  - every insert statement takes a shared advisory lock (statement trigger) that the rollup
--    takes exclusively for an instant to read the sequence: every seq at or below what it read
--    is then committed (or gone), so the high-water mark never skips a late commit;
--  - indexes: (tenant_id, created_at) for tenant reads, BRIN on seq and on created_at. Dropped:
--    the uuid primary key, uq_usage_request (usage_request_ids), idx_usage_model_time (no
--    query needs it: the admin explorer's model filter is within a time range, i.e. a partition),
--    idx_usage_time (BRIN now), idx_usage_unrolled (high-water mark), total_tokens (never read).
-- Existing rows are copied in ledger order: events already rolled up first, so the high-water
-- mark starts right after them and the rest is folded by the next rollup.

CREATE SEQUENCE IF NOT EXISTS usage_events_seq AS bigint;
--> statement-breakpoint
ALTER TABLE usage_events RENAME TO usage_events_v0;
--> statement-breakpoint
ALTER INDEX IF EXISTS idx_usage_tenant_time RENAME TO idx_usage_tenant_time_v0;
--> statement-breakpoint
ALTER INDEX IF EXISTS idx_usage_time RENAME TO idx_usage_time_v0;
--> statement-breakpoint
CREATE TABLE "usage_events" (
	"seq" bigint DEFAULT nextval('usage_events_seq') NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"user_id" uuid,
	"api_key_id" uuid,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"cached_input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"image_count" integer DEFAULT 0 NOT NULL,
	"characters" integer DEFAULT 0 NOT NULL,
	"request_count" integer DEFAULT 1 NOT NULL,
	"tool_calls" integer DEFAULT 0 NOT NULL,
	"latency_ms" integer,
	"ttfb_ms" integer,
	"http_status" integer,
	"attempt_count" integer DEFAULT 1 NOT NULL,
	"is_batch" boolean DEFAULT false NOT NULL,
	"tokens_estimated" boolean DEFAULT false NOT NULL,
	"cache_hit" boolean DEFAULT false NOT NULL,
	"request_id" varchar(100) NOT NULL,
	"model_id" varchar(100) NOT NULL,
	"provider_id" varchar(50) NOT NULL,
	"requested_model" varchar(150),
	"endpoint" varchar(50) DEFAULT 'chat.completions' NOT NULL,
	"markup_source" varchar(20) NOT NULL,
	"status" varchar(20) DEFAULT 'success' NOT NULL,
	"booked_period" varchar(7),
	"error_code" varchar(80),
	"fallback_from" varchar(100),
	"cost" numeric DEFAULT '0' NOT NULL,
	"markup_percent" numeric(9, 4) NOT NULL,
	"price" numeric DEFAULT '0' NOT NULL,
	"video_seconds" numeric DEFAULT '0' NOT NULL,
	"audio_minutes" numeric DEFAULT '0' NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
ALTER SEQUENCE usage_events_seq OWNED BY usage_events.seq;
--> statement-breakpoint
CREATE TABLE usage_events_default PARTITION OF usage_events DEFAULT;
--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "idx_usage_tenant_time" ON "usage_events" USING btree ("tenant_id","created_at");
--> statement-breakpoint
CREATE INDEX "idx_usage_seq" ON "usage_events" USING brin ("seq");
--> statement-breakpoint
CREATE INDEX "idx_usage_time" ON "usage_events" USING brin ("created_at");
--> statement-breakpoint
CREATE TABLE "usage_request_ids" (
	"request_id" varchar(100) PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_rollup_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Tenant RLS exactly as before (0001): radiant_app sees and writes its tenant's rows through the
-- parent (the only way in: radiant_app has no privilege on the partitions themselves).
SELECT radiant_tenant_rls('usage_events'::regclass);
--> statement-breakpoint
GRANT SELECT, INSERT ON usage_events TO radiant_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON usage_events, usage_request_ids, usage_rollup_state TO radiant_platform;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE usage_events_seq TO radiant_app, radiant_platform;
--> statement-breakpoint
-- Platform bookkeeping, no tenant data: RLS with a platform-only policy, so radiant_app sees
-- nothing even if granted by mistake. Not FORCEd: the owner itself writes usage_request_ids from
-- the SECURITY DEFINER trigger below (FORCE would refuse it when the owner is no superuser).
ALTER TABLE usage_request_ids ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY platform_access ON usage_request_ids FOR ALL TO radiant_platform USING (true) WITH CHECK (true);
--> statement-breakpoint
ALTER TABLE usage_rollup_state ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY platform_access ON usage_rollup_state FOR ALL TO radiant_platform USING (true) WITH CHECK (true);
--> statement-breakpoint
-- The portal (radiant_app) adds the events not folded in yet to its tenant's usage: it reads the
-- mark (one number, no tenant data).
GRANT SELECT ON usage_rollup_state TO radiant_app;
--> statement-breakpoint
CREATE POLICY app_read ON usage_rollup_state FOR SELECT TO radiant_app USING (true);
--> statement-breakpoint
INSERT INTO usage_rollup_state (id, last_seq) VALUES (1, 0);
--> statement-breakpoint
-- Idempotency across partitions, and the booking period of an event written on time. SECURITY
-- DEFINER: whoever inserts (radiant_app included) goes through usage_request_ids without any
-- privilege on it. The first writer of a request id wins; a second (concurrent or later) one
-- waits for it, then finds the id taken and its row is dropped, as ON CONFLICT DO NOTHING did.
CREATE OR REPLACE FUNCTION radiant_usage_event_admit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO usage_request_ids (request_id, created_at) VALUES (NEW.request_id, NEW.created_at)
    ON CONFLICT (request_id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF NEW.booked_period IS NULL THEN
    NEW.booked_period := to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM');
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER usage_events_admit BEFORE INSERT ON usage_events
  FOR EACH ROW EXECUTE FUNCTION radiant_usage_event_admit();
--> statement-breakpoint
-- The rollup's high-water mark is safe only if no insert holding a lower seq is still in flight:
-- every insert statement holds this lock (shared) to the end of its transaction, and the rollup
-- takes it exclusively for an instant to read the sequence (radiant_usage_high_water()).
CREATE OR REPLACE FUNCTION radiant_usage_insert_lock() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(7207316);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER usage_events_insert_lock BEFORE INSERT ON usage_events
  FOR EACH STATEMENT EXECUTE FUNCTION radiant_usage_insert_lock();
--> statement-breakpoint
-- Highest seq that is final (every lower one committed or rolled back). Waits for the inserts in
-- flight (short: a metering batch), holds the lock to the end of the caller's transaction: call
-- it in a transaction of its own.
CREATE OR REPLACE FUNCTION radiant_usage_high_water() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v bigint;
  called boolean;
BEGIN
  PERFORM pg_advisory_xact_lock(7207316);
  SELECT last_value, is_called INTO v, called FROM usage_events_seq;
  RETURN CASE WHEN called THEN v ELSE 0 END;
END
$$;
--> statement-breakpoint
-- One month's partition (idempotent). Rows of that month already in the default partition (a
-- month that had no partition yet) are moved into it first. SECURITY DEFINER: only the owner of
-- usage_events may add partitions, and the rollup job runs as radiant_platform.
CREATE OR REPLACE FUNCTION radiant_usage_partition(month date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  m date := date_trunc('month', month)::date;
  name text := 'usage_events_p' || to_char(date_trunc('month', month), 'YYYYMM');
  lo timestamptz := (date_trunc('month', month)::timestamp AT TIME ZONE 'UTC');
  hi timestamptz := ((date_trunc('month', month) + interval '1 month')::timestamp AT TIME ZONE 'UTC');
BEGIN
  IF to_regclass(name) IS NOT NULL THEN
    RETURN name;
  END IF;
  IF EXISTS (SELECT 1 FROM usage_events_default WHERE created_at >= lo AND created_at < hi) THEN
    EXECUTE format('CREATE TABLE %I (LIKE usage_events INCLUDING DEFAULTS)', name);
    EXECUTE format('WITH moved AS (DELETE FROM usage_events_default WHERE created_at >= $1 AND created_at < $2 RETURNING *)
                    INSERT INTO %I SELECT * FROM moved', name) USING lo, hi;
    EXECUTE format('ALTER TABLE usage_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
  ELSE
    EXECUTE format('CREATE TABLE %I PARTITION OF usage_events FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
  END IF;
  -- Reached only through the parent, whose forced tenant policies apply. The partition itself
  -- grants nothing to radiant_app/radiant_platform, and RLS without a policy refuses any other
  -- role that would try it directly (not FORCEd: the owner moves rows out of the default one).
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', name);
  RETURN name;
END
$$;
--> statement-breakpoint
-- Partitions from last month to `ahead` months ahead (the rollup job calls it every pass).
CREATE OR REPLACE FUNCTION radiant_usage_ensure_partitions(ahead integer DEFAULT 3) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n integer := 0;
  m date;
BEGIN
  FOR m IN SELECT generate_series(date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month',
                                  date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => ahead),
                                  interval '1 month')::date
  LOOP
    IF to_regclass('usage_events_p' || to_char(m, 'YYYYMM')) IS NULL THEN
      PERFORM radiant_usage_partition(m);
      n := n + 1;
    END IF;
  END LOOP;
  RETURN n;
END
$$;
--> statement-breakpoint
ALTER TABLE usage_events_default ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
SELECT radiant_usage_partition(m::date)
  FROM (SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC') AS m FROM usage_events_v0) x;
--> statement-breakpoint
SELECT radiant_usage_ensure_partitions(3);
--> statement-breakpoint
-- Copy in ledger order: rolled-up events first (seq 1..n, below the high-water mark), then the
-- pending ones. Through the parent, so usage_request_ids is filled by the trigger.
INSERT INTO usage_events (seq, created_at, tenant_id, user_id, api_key_id, input_tokens, cached_input_tokens, output_tokens,
  image_count, characters, request_count, tool_calls, latency_ms, ttfb_ms, http_status, attempt_count, is_batch,
  tokens_estimated, cache_hit, request_id, model_id, provider_id, requested_model, endpoint, markup_source, status,
  booked_period, error_code, fallback_from, cost, markup_percent, price, video_seconds, audio_minutes, metadata)
SELECT row_number() OVER (ORDER BY (rolled_up_at IS NULL), created_at, id), created_at, tenant_id, user_id, api_key_id,
  input_tokens, cached_input_tokens, output_tokens, image_count, characters, request_count, tool_calls, latency_ms, ttfb_ms,
  http_status, attempt_count, is_batch, tokens_estimated, cache_hit, request_id, model_id, provider_id, requested_model,
  endpoint, markup_source, status, booked_period, error_code, fallback_from, cost, markup_percent, price, video_seconds,
  audio_minutes, metadata
FROM usage_events_v0;
--> statement-breakpoint
UPDATE usage_rollup_state SET last_seq = (SELECT count(*) FROM usage_events_v0 WHERE rolled_up_at IS NOT NULL), updated_at = now() WHERE id = 1;
--> statement-breakpoint
SELECT setval('usage_events_seq', greatest(1, (SELECT count(*) FROM usage_events_v0)), (SELECT count(*) > 0 FROM usage_events_v0));
--> statement-breakpoint
DROP TABLE usage_events_v0;
