-- 0022: no foreign keys on the hot ledger, and no per-row trigger on the metering writer's path
-- (issue 16; docs/billing.md, "The usage ledger"). Hand-written around drizzle-kit's FK drops
-- (the snapshot matches lib/db/schema/gateway.ts).
--
-- Why: in the writer's 5,000-row INSERT (EXPLAIN ANALYZE, PostgreSQL 15) the five foreign-key
-- checks were 142 of 354 ms (each a query and a row lock per event) and the admit trigger 13 ms.
-- What replaces each foreign key, so that no event references a missing row and the old
-- ON DELETE behaviour holds:
--  - the metering writer (lib/gateway/metering/rows.ts) reads and locks (FOR KEY SHARE, what an
--    FK check takes) the batch's distinct tenants, models, providers, users and API keys ONCE
--    per batch, inserts only rows whose tenant, model and provider exist (the others go to the
--    quarantine, as before) and writes a user or key that is gone as NULL (as before);
--  - any other inserter (the jobs runner, tests, a manual INSERT) goes through
--    usage_events_refs below: a missing reference is refused with SQLSTATE 23503, as an FK was;
--  - deleting a tenant deletes its events (was ON DELETE CASCADE), deleting a user or an API
--    key sets the events' reference to NULL (was ON DELETE SET NULL), deleting a model or a
--    provider that events reference is refused with 23503 (was NO ACTION). These run as the
--    deleting role (radiant_platform or a superuser: both see every event).
-- The writer tells the triggers it did their work with radiant.usage_ids_claimed = 'on'
-- (transaction-local, set around its statement only, 0019); the triggers then do not fire at
-- all (WHEN clauses, evaluated without calling PL/pgSQL).
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_api_key_id_api_keys_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_model_id_models_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_provider_id_providers_id_fk";
--> statement-breakpoint
-- Inserts by anyone but the writer: every reference must exist (checked, not locked: these
-- inserters take their ids from rows they have just read). Invoker's rights: radiant_platform
-- sees every tenant, radiant_app its own (and may insert only its own events anyway).
CREATE OR REPLACE FUNCTION radiant_usage_event_refs() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id) THEN
    RAISE EXCEPTION 'usage event %: tenant % does not exist', NEW.request_id, NEW.tenant_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM models WHERE id = NEW.model_id) THEN
    RAISE EXCEPTION 'usage event %: model % does not exist', NEW.request_id, NEW.model_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM providers WHERE id = NEW.provider_id) THEN
    RAISE EXCEPTION 'usage event %: provider % does not exist', NEW.request_id, NEW.provider_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF NEW.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id) THEN
    RAISE EXCEPTION 'usage event %: user % does not exist', NEW.request_id, NEW.user_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF NEW.api_key_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM api_keys WHERE id = NEW.api_key_id) THEN
    RAISE EXCEPTION 'usage event %: API key % does not exist', NEW.request_id, NEW.api_key_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- Fires after usage_events_admit (triggers fire in name order): a request already in the ledger
-- was dropped by admit and is not checked.
CREATE TRIGGER usage_events_refs BEFORE INSERT ON usage_events
  FOR EACH ROW WHEN (coalesce(current_setting('radiant.usage_ids_claimed', true), '') <> 'on')
  EXECUTE FUNCTION radiant_usage_event_refs();
--> statement-breakpoint
-- The writer claims ids and books the period itself: admit does not fire for its rows.
DROP TRIGGER usage_events_admit ON usage_events;
--> statement-breakpoint
CREATE TRIGGER usage_events_admit BEFORE INSERT ON usage_events
  FOR EACH ROW WHEN (NEW.booked_period IS NULL OR coalesce(current_setting('radiant.usage_ids_claimed', true), '') <> 'on')
  EXECUTE FUNCTION radiant_usage_event_admit();
--> statement-breakpoint
-- The old ON DELETE actions, from the referenced side.
CREATE OR REPLACE FUNCTION radiant_usage_refs_on_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'tenants' THEN
    DELETE FROM usage_events WHERE tenant_id = OLD.id;
  ELSIF TG_TABLE_NAME = 'users' THEN
    UPDATE usage_events SET user_id = NULL WHERE user_id = OLD.id;
  ELSIF TG_TABLE_NAME = 'api_keys' THEN
    UPDATE usage_events SET api_key_id = NULL WHERE api_key_id = OLD.id;
  ELSIF TG_TABLE_NAME = 'models' THEN
    IF EXISTS (SELECT 1 FROM usage_events WHERE model_id = OLD.id) THEN
      RAISE EXCEPTION 'model % is referenced by usage events', OLD.id USING ERRCODE = 'foreign_key_violation';
    END IF;
  ELSIF TG_TABLE_NAME = 'providers' THEN
    IF EXISTS (SELECT 1 FROM usage_events WHERE provider_id = OLD.id) THEN
      RAISE EXCEPTION 'provider % is referenced by usage events', OLD.id USING ERRCODE = 'foreign_key_violation';
    END IF;
  END IF;
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER usage_events_tenant_deleted AFTER DELETE ON tenants FOR EACH ROW EXECUTE FUNCTION radiant_usage_refs_on_delete();
--> statement-breakpoint
CREATE TRIGGER usage_events_user_deleted AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION radiant_usage_refs_on_delete();
--> statement-breakpoint
CREATE TRIGGER usage_events_api_key_deleted AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION radiant_usage_refs_on_delete();
--> statement-breakpoint
CREATE TRIGGER usage_events_model_deleted BEFORE DELETE ON models FOR EACH ROW EXECUTE FUNCTION radiant_usage_refs_on_delete();
--> statement-breakpoint
CREATE TRIGGER usage_events_provider_deleted BEFORE DELETE ON providers FOR EACH ROW EXECUTE FUNCTION radiant_usage_refs_on_delete();
