CREATE TABLE "generation_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"api_key_id" uuid,
	"kind" varchar(10) NOT NULL,
	"model_id" varchar(100) NOT NULL,
	"provider_id" varchar(50) NOT NULL,
	"requested_model" varchar(150) NOT NULL,
	"status" varchar(20) DEFAULT 'queued' NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"prompt" text NOT NULL,
	"size" varchar(20),
	"input_reference" text,
	"provider_task_id" varchar(300),
	"requested_seconds" numeric,
	"produced_seconds" numeric,
	"reserved_amount" numeric DEFAULT '0' NOT NULL,
	"price" numeric,
	"pricing" jsonb NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"next_poll_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"poll_errors" integer DEFAULT 0 NOT NULL,
	"locked_by" varchar(100),
	"locked_until" timestamp with time zone,
	"error_code" varchar(80),
	"error_message" text,
	"files" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"callback_token" varchar(64),
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenant_webhooks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"url" text NOT NULL,
	"description" varchar(200),
	"events" text[] DEFAULT ARRAY['job.completed', 'job.failed']::text[] NOT NULL,
	"secret_sealed" text NOT NULL,
	"secret_prefix" varchar(20) NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"webhook_id" uuid NOT NULL,
	"job_id" uuid,
	"message_id" varchar(60) NOT NULL,
	"event" varchar(40) NOT NULL,
	"payload" jsonb NOT NULL,
	"status" varchar(20) DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"locked_until" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD CONSTRAINT "generation_jobs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD CONSTRAINT "generation_jobs_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD CONSTRAINT "generation_jobs_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD CONSTRAINT "generation_jobs_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_webhooks" ADD CONSTRAINT "tenant_webhooks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_tenant_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."tenant_webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "generation_jobs_tenant_created_idx" ON "generation_jobs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "generation_jobs_due_idx" ON "generation_jobs" USING btree ("next_poll_at") WHERE status IN ('queued', 'in_progress');--> statement-breakpoint
CREATE INDEX "generation_jobs_expires_idx" ON "generation_jobs" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "generation_jobs_provider_task_uq" ON "generation_jobs" USING btree ("provider_id","provider_task_id");--> statement-breakpoint
CREATE INDEX "tenant_webhooks_tenant_idx" ON "tenant_webhooks" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_tenant_created_idx" ON "webhook_deliveries" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_message_webhook_uq" ON "webhook_deliveries" USING btree ("webhook_id","message_id");--> statement-breakpoint
-- Hand-written (drizzle-kit cannot express these): the three tables are tenant-owned, so they get
-- tenant RLS, ENABLED and FORCED, through radiant_tenant_rls() (0001), and explicit grants.
-- radiant_app (tenant API and portal) creates, reads and cancels its own jobs and manages its own
-- webhooks and their delivery log; the runner, delivery worker and console use radiant_platform.
SELECT radiant_tenant_rls(t::regclass) FROM unnest(ARRAY['generation_jobs', 'tenant_webhooks', 'webhook_deliveries']) AS t;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON generation_jobs, tenant_webhooks, webhook_deliveries TO radiant_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON generation_jobs, tenant_webhooks, webhook_deliveries TO radiant_platform;
