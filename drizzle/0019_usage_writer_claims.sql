-- 0019: a leaner ledger row and a set-based claim of request ids for the metering writer
-- (issue 16; docs/billing.md, "The usage ledger"). Hand-written around drizzle-kit's column
-- changes (the snapshot matches lib/db/schema/gateway.ts).
--
-- Why: at 240,000 events the ledger still cost 409 bytes an event (target 400), and the
-- before-insert trigger claiming each request id with its own INSERT was about a quarter of the
-- writer's time.
--  - http_status and attempt_count become smallint (a status and a retry count fit);
--  - usage_request_ids keeps only the key: created_at was 8 bytes an event and nothing reads it
--    (archiving deletes a detached month's ids by joining that month's table);
--  - the metering writer claims its batch's ids in the same statement, set-based
--    (lib/gateway/metering/rows.ts), and tells the trigger so for that statement only
--    (radiant.usage_ids_claimed = 'on', transaction-local, switched off right after): the trigger
--    then only books the period. Every other inserter is unchanged: the trigger claims each id.
CREATE OR REPLACE FUNCTION radiant_usage_event_admit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF coalesce(current_setting('radiant.usage_ids_claimed', true), '') <> 'on' THEN
    INSERT INTO usage_request_ids (request_id) VALUES (NEW.request_id) ON CONFLICT (request_id) DO NOTHING;
    IF NOT FOUND THEN
      RETURN NULL;
    END IF;
  END IF;
  IF NEW.booked_period IS NULL THEN
    NEW.booked_period := to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM');
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
ALTER TABLE "usage_events" ALTER COLUMN "http_status" SET DATA TYPE smallint;
--> statement-breakpoint
ALTER TABLE "usage_events" ALTER COLUMN "attempt_count" SET DATA TYPE smallint;
--> statement-breakpoint
ALTER TABLE "usage_events" ALTER COLUMN "attempt_count" SET DEFAULT 1;
--> statement-breakpoint
ALTER TABLE "usage_request_ids" DROP COLUMN "created_at";
