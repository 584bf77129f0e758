CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"user_id" uuid,
	"name" varchar(100) NOT NULL,
	"key_prefix" varchar(24) NOT NULL,
	"key_hash" varchar(128) NOT NULL,
	"scopes" text[] DEFAULT ARRAY['chat','embeddings','models']::text[] NOT NULL,
	"rate_limit_rpm" integer,
	"rate_limit_tpm" integer,
	"monthly_budget" numeric,
	"status" varchar(20) DEFAULT 'active' NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"usage_count" bigint DEFAULT 0 NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" varchar(100) NOT NULL,
	"name" varchar(255) NOT NULL,
	"domain" varchar(255),
	"tier" integer DEFAULT 1 NOT NULL,
	"status" varchar(20) DEFAULT 'active' NOT NULL,
	"billing_email" varchar(255),
	"currency" varchar(3) DEFAULT 'USD' NOT NULL,
	"tax_rate_percent" numeric(9, 4) DEFAULT '0' NOT NULL,
	"monthly_budget" numeric,
	"response_cache_enabled" boolean DEFAULT false NOT NULL,
	"request_logging_enabled" boolean DEFAULT false NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "tenants_slug_unique" UNIQUE("slug"),
	CONSTRAINT "tenants_tier_range" CHECK ("tenants"."tier" BETWEEN 1 AND 5)
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"email" varchar(255) NOT NULL,
	"name" varchar(200),
	"password_hash" text,
	"role" varchar(20) DEFAULT 'member' NOT NULL,
	"status" varchar(20) DEFAULT 'active' NOT NULL,
	"timezone" varchar(50) DEFAULT 'UTC' NOT NULL,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "estimated_cost_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_id" varchar(100) NOT NULL,
	"severity" varchar(10) NOT NULL,
	"confidence" numeric(5, 4) NOT NULL,
	"status" varchar(20) DEFAULT 'pending' NOT NULL,
	"reason" varchar(50) DEFAULT 'cost_not_published' NOT NULL,
	"estimated_cost" jsonb NOT NULL,
	"recommendation" text NOT NULL,
	"acknowledged_by" uuid,
	"acknowledged_at" timestamp with time zone,
	"adjusted_by" uuid,
	"adjusted_at" timestamp with time zone,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"resolution_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "markup_overrides" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"scope" varchar(30) NOT NULL,
	"provider_id" varchar(50),
	"model_id" varchar(100),
	"markup_percent" numeric(9, 4) NOT NULL,
	"reason" text NOT NULL,
	"set_by" uuid,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"approval_request_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "markup_nonnegative" CHECK ("markup_overrides"."markup_percent" >= 0),
	CONSTRAINT "markup_scope_target" CHECK (("markup_overrides"."scope" = 'provider' AND "markup_overrides"."provider_id" IS NOT NULL AND "markup_overrides"."model_id" IS NULL)
       OR ("markup_overrides"."scope" = 'model' AND "markup_overrides"."model_id" IS NOT NULL AND "markup_overrides"."provider_id" IS NULL)
       OR ("markup_overrides"."scope" IN ('default_external','default_self_hosted') AND "markup_overrides"."provider_id" IS NULL AND "markup_overrides"."model_id" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "model_cost_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_id" varchar(100) NOT NULL,
	"source" varchar(30) NOT NULL,
	"old_cost" jsonb,
	"new_cost" jsonb NOT NULL,
	"raises_price" boolean DEFAULT false NOT NULL,
	"approval_request_id" uuid,
	"changed_by" uuid,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" varchar(100) PRIMARY KEY NOT NULL,
	"provider_id" varchar(50) NOT NULL,
	"provider_model_id" varchar(150) NOT NULL,
	"litellm_id" varchar(150) NOT NULL,
	"name" varchar(100) NOT NULL,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"display_name" varchar(150) NOT NULL,
	"description" text,
	"category" varchar(50) NOT NULL,
	"capabilities" text[] DEFAULT '{}'::text[] NOT NULL,
	"context_window" integer,
	"max_output" integer,
	"input_modalities" text[] DEFAULT '{}'::text[] NOT NULL,
	"output_modalities" text[] DEFAULT '{}'::text[] NOT NULL,
	"pricing_type" varchar(30) DEFAULT 'per_token' NOT NULL,
	"input_cost_per_1k" numeric,
	"output_cost_per_1k" numeric,
	"cached_input_cost_per_1k" numeric,
	"long_context_threshold" integer,
	"long_context_input_cost_per_1k" numeric,
	"long_context_output_cost_per_1k" numeric,
	"batch_discount_percent" numeric(9, 4),
	"cost_per_image" numeric,
	"cost_per_second" numeric,
	"cost_per_minute" numeric,
	"cost_per_request" numeric,
	"cost_per_tool_call" numeric,
	"cost_per_1k_characters" numeric,
	"warmup_cost" numeric,
	"warmup_seconds" integer,
	"cost_source" varchar(30) DEFAULT 'provider_documentation' NOT NULL,
	"cost_updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cost_is_estimated" boolean DEFAULT false NOT NULL,
	"estimate" jsonb,
	"quality_score" integer DEFAULT 70 NOT NULL,
	"family" varchar(50),
	"release_date" varchar(10),
	"is_self_hosted" boolean DEFAULT false NOT NULL,
	"thermal_state" varchar(12),
	"thermal_updated_at" timestamp with time zone,
	"deprecated" boolean DEFAULT false NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "models_litellm_id_unique" UNIQUE("litellm_id"),
	CONSTRAINT "models_name_unique" UNIQUE("name"),
	CONSTRAINT "models_quality_range" CHECK ("models"."quality_score" BETWEEN 0 AND 100)
);
--> statement-breakpoint
CREATE TABLE "providers" (
	"id" varchar(50) PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"display_name" varchar(100) NOT NULL,
	"category" varchar(50) NOT NULL,
	"description" text,
	"website" varchar(255),
	"api_base_url" varchar(255),
	"auth_type" varchar(20) DEFAULT 'bearer' NOT NULL,
	"api_key_env" varchar(100),
	"encrypted_api_key" text,
	"wire_format" varchar(20) DEFAULT 'openai' NOT NULL,
	"is_self_hosted" boolean DEFAULT false NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"features" text[] DEFAULT '{}'::text[] NOT NULL,
	"regions" text[] DEFAULT '{}'::text[] NOT NULL,
	"compliance" text[] DEFAULT '{}'::text[] NOT NULL,
	"rate_limit_rpm" integer,
	"rate_limit_tpm" integer,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenant_model_access" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"model_id" varchar(100) NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"markup_percent" numeric(9, 4),
	"markup_reason" text,
	"markup_set_by" uuid,
	"markup_set_at" timestamp with time zone,
	"markup_expires_at" timestamp with time zone,
	"rate_limit_rpm" integer,
	"rate_limit_tpm" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tma_markup_nonnegative" CHECK ("tenant_model_access"."markup_percent" IS NULL OR "tenant_model_access"."markup_percent" >= 0)
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key" varchar(255) NOT NULL,
	"request_hash" varchar(64) NOT NULL,
	"request_id" varchar(100) NOT NULL,
	"response_status" integer,
	"response_body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "uq_idempotency" UNIQUE("tenant_id","key")
);
--> statement-breakpoint
CREATE TABLE "model_rejection_stats" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_id" varchar(100) NOT NULL,
	"provider_id" varchar(50) NOT NULL,
	"day" date NOT NULL,
	"rejection_count" integer DEFAULT 0 NOT NULL,
	"fallback_success_count" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_rejection_stats" UNIQUE("model_id","day")
);
--> statement-breakpoint
CREATE TABLE "provider_health" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider_id" varchar(50) NOT NULL,
	"region" varchar(30) DEFAULT 'default' NOT NULL,
	"status" varchar(20) DEFAULT 'unknown' NOT NULL,
	"latency_ms" integer,
	"error_rate" numeric(5, 2),
	"success_rate" numeric(5, 2),
	"request_count" bigint DEFAULT 0 NOT NULL,
	"error_count" bigint DEFAULT 0 NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"cooldown_until" timestamp with time zone,
	"last_check_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_success_at" timestamp with time zone,
	"last_failure_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_provider_region" UNIQUE("provider_id","region")
);
--> statement-breakpoint
CREATE TABLE "provider_rejections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"request_id" varchar(100) NOT NULL,
	"api_key_id" uuid,
	"model_id" varchar(100) NOT NULL,
	"provider_id" varchar(50) NOT NULL,
	"rejection_type" varchar(40) DEFAULT 'content_policy' NOT NULL,
	"error_code" varchar(80),
	"message" text,
	"fallback_model_id" varchar(100),
	"fallback_succeeded" boolean,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_logs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"request_id" varchar(100) NOT NULL,
	"api_key_id" uuid,
	"model" varchar(150) NOT NULL,
	"request_body" jsonb NOT NULL,
	"response_body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routing_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid,
	"name" varchar(100) NOT NULL,
	"description" text,
	"priority" integer DEFAULT 100 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"conditions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"action" varchar(20) NOT NULL,
	"target_provider" varchar(50),
	"target_model" varchar(100),
	"fallback_models" text[],
	"rate_limit_rpm" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"user_id" uuid,
	"api_key_id" uuid,
	"request_id" varchar(100) NOT NULL,
	"model_id" varchar(100) NOT NULL,
	"provider_id" varchar(50) NOT NULL,
	"requested_model" varchar(150),
	"endpoint" varchar(50) DEFAULT 'chat.completions' NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"cached_input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"total_tokens" integer GENERATED ALWAYS AS (input_tokens + output_tokens) STORED,
	"image_count" integer DEFAULT 0 NOT NULL,
	"video_seconds" numeric DEFAULT '0' NOT NULL,
	"audio_minutes" numeric DEFAULT '0' NOT NULL,
	"characters" integer DEFAULT 0 NOT NULL,
	"request_count" integer DEFAULT 1 NOT NULL,
	"tool_calls" integer DEFAULT 0 NOT NULL,
	"is_batch" boolean DEFAULT false NOT NULL,
	"cost" numeric DEFAULT '0' NOT NULL,
	"markup_percent" numeric(9, 4) NOT NULL,
	"markup_source" varchar(20) NOT NULL,
	"price" numeric DEFAULT '0' NOT NULL,
	"tokens_estimated" boolean DEFAULT false NOT NULL,
	"cache_hit" boolean DEFAULT false NOT NULL,
	"latency_ms" integer,
	"ttfb_ms" integer,
	"status" varchar(20) DEFAULT 'success' NOT NULL,
	"http_status" integer,
	"error_code" varchar(80),
	"attempt_count" integer DEFAULT 1 NOT NULL,
	"fallback_from" varchar(100),
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rolled_up_at" timestamp with time zone,
	"booked_period" varchar(7)
);
--> statement-breakpoint
CREATE TABLE "user_rejection_notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"user_id" uuid,
	"api_key_id" uuid,
	"rejection_id" uuid,
	"message" text NOT NULL,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "accounting_periods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"period" varchar(7) NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"status" varchar(20) DEFAULT 'open' NOT NULL,
	"close_approval_id" uuid,
	"close_requested_by" uuid,
	"closed_by" uuid,
	"closed_at" timestamp with time zone,
	"totals" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounting_periods_period_unique" UNIQUE("period")
);
--> statement-breakpoint
CREATE TABLE "billing_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"period" varchar(7) NOT NULL,
	"tenant_id" uuid,
	"status" varchar(20) DEFAULT 'queued' NOT NULL,
	"total_tenants" integer DEFAULT 0 NOT NULL,
	"processed_tenants" integer DEFAULT 0 NOT NULL,
	"invoices_created" integer DEFAULT 0 NOT NULL,
	"started_by" uuid,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cost_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid,
	"period" varchar(7) NOT NULL,
	"entry_date" date NOT NULL,
	"kind" varchar(30) NOT NULL,
	"provider_id" varchar(50),
	"model_id" varchar(100),
	"amount" numeric NOT NULL,
	"source_ref" varchar(100),
	"description" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"kind" varchar(30) NOT NULL,
	"model_id" varchar(100),
	"description" text NOT NULL,
	"unit" varchar(40),
	"quantity" numeric DEFAULT '0' NOT NULL,
	"unit_price" numeric DEFAULT '0' NOT NULL,
	"exact_amount" numeric DEFAULT '0' NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	CONSTRAINT "uq_invoice_line" UNIQUE("invoice_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "invoice_number_counters" (
	"year" integer PRIMARY KEY NOT NULL,
	"last_number" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"invoice_number" varchar(50),
	"period" varchar(7) NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"currency" varchar(3) DEFAULT 'USD' NOT NULL,
	"subtotal" numeric(14, 2) DEFAULT '0' NOT NULL,
	"free_tier_credit" numeric(14, 2) DEFAULT '0' NOT NULL,
	"discount_percent" numeric(9, 4) DEFAULT '0' NOT NULL,
	"discount_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"tax_rate_percent" numeric(9, 4) DEFAULT '0' NOT NULL,
	"tax_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"total_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"status" varchar(20) DEFAULT 'draft' NOT NULL,
	"issued_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"replaces_invoice_id" uuid,
	"billing_run_id" uuid,
	"notes" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_invoice_number_unique" UNIQUE("invoice_number")
);
--> statement-breakpoint
CREATE TABLE "model_revenue_tracking" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_id" varchar(100) NOT NULL,
	"provider_id" varchar(50) NOT NULL,
	"period" varchar(7) NOT NULL,
	"request_count" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"revenue" numeric DEFAULT '0' NOT NULL,
	"cost" numeric DEFAULT '0' NOT NULL,
	"margin" numeric DEFAULT '0' NOT NULL,
	"effective_markup_percent" numeric(9, 4),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_mrt" UNIQUE("model_id","period")
);
--> statement-breakpoint
CREATE TABLE "provider_invoice_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"period" varchar(7) NOT NULL,
	"provider_id" varchar(50) NOT NULL,
	"invoiced_cost" numeric NOT NULL,
	"metered_cost" numeric NOT NULL,
	"difference" numeric NOT NULL,
	"source" varchar(10) NOT NULL,
	"imported_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconciliation_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"period" varchar(7) NOT NULL,
	"tenant_id" uuid,
	"provider_id" varchar(50),
	"kind" varchar(30) NOT NULL,
	"amount" numeric NOT NULL,
	"reason" text NOT NULL,
	"status" varchar(20) DEFAULT 'applied' NOT NULL,
	"approval_request_id" uuid,
	"created_by" uuid,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "revenue_daily_aggregates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"day" date NOT NULL,
	"provider_id" varchar(50) NOT NULL,
	"model_id" varchar(100) NOT NULL,
	"request_count" bigint DEFAULT 0 NOT NULL,
	"error_count" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"revenue" numeric DEFAULT '0' NOT NULL,
	"cost" numeric DEFAULT '0' NOT NULL,
	"margin" numeric DEFAULT '0' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_rda" UNIQUE("day","provider_id","model_id")
);
--> statement-breakpoint
CREATE TABLE "revenue_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"period" varchar(7) NOT NULL,
	"entry_date" date NOT NULL,
	"kind" varchar(20) NOT NULL,
	"model_id" varchar(100),
	"provider_id" varchar(50),
	"amount" numeric NOT NULL,
	"cost_basis" numeric DEFAULT '0' NOT NULL,
	"markup_amount" numeric DEFAULT '0' NOT NULL,
	"source_ref" varchar(100),
	"description" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "revenue_export_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"export_type" varchar(30) NOT NULL,
	"period" varchar(7),
	"format" varchar(10) DEFAULT 'csv' NOT NULL,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"row_count" integer NOT NULL,
	"checksum" varchar(64) NOT NULL,
	"exported_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_rollups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"rollup_date" date NOT NULL,
	"model_id" varchar(100) NOT NULL,
	"provider_id" varchar(50) NOT NULL,
	"user_id" uuid,
	"request_count" bigint DEFAULT 0 NOT NULL,
	"success_count" bigint DEFAULT 0 NOT NULL,
	"error_count" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"image_count" bigint DEFAULT 0 NOT NULL,
	"video_seconds" numeric DEFAULT '0' NOT NULL,
	"audio_minutes" numeric DEFAULT '0' NOT NULL,
	"characters" bigint DEFAULT 0 NOT NULL,
	"tool_calls" bigint DEFAULT 0 NOT NULL,
	"cost" numeric DEFAULT '0' NOT NULL,
	"price" numeric DEFAULT '0' NOT NULL,
	"total_latency_ms" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_rollup_key" UNIQUE NULLS NOT DISTINCT("tenant_id","rollup_date","model_id","provider_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "administrators" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" varchar(255) NOT NULL,
	"name" varchar(200) NOT NULL,
	"password_hash" text,
	"role" varchar(20) NOT NULL,
	"status" varchar(20) DEFAULT 'active' NOT NULL,
	"mfa_enabled" boolean DEFAULT false NOT NULL,
	"mfa_secret_encrypted" text,
	"mfa_verified_at" timestamp with time zone,
	"mfa_recovery_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"notification_settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"slack_webhook_url" text,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "approval_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"environment" varchar(20) DEFAULT 'prod' NOT NULL,
	"type" varchar(30) NOT NULL,
	"action" varchar(60) NOT NULL,
	"title" varchar(255) NOT NULL,
	"description" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"risk_level" varchar(20) DEFAULT 'medium' NOT NULL,
	"impact_analysis" text,
	"rollback_plan" text,
	"initiated_by" uuid NOT NULL,
	"initiated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" varchar(20) DEFAULT 'pending' NOT NULL,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"approval_notes" text,
	"rejected_by" uuid,
	"rejected_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"executed_at" timestamp with time zone,
	"execution_result" jsonb,
	"expires_at" timestamp with time zone DEFAULT now() + interval '24 hours' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "different_approver" CHECK ("approval_requests"."approved_by" IS NULL OR "approval_requests"."approved_by" <> "approval_requests"."initiated_by"),
	CONSTRAINT "different_rejecter" CHECK ("approval_requests"."rejected_by" IS NULL OR "approval_requests"."rejected_by" <> "approval_requests"."initiated_by")
);
--> statement-breakpoint
CREATE TABLE "audit_logs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"actor_type" varchar(20) NOT NULL,
	"actor_id" uuid,
	"actor_email" varchar(255),
	"tenant_id" uuid,
	"action" varchar(100) NOT NULL,
	"resource_type" varchar(100) NOT NULL,
	"resource_id" varchar(255),
	"old_values" jsonb,
	"new_values" jsonb,
	"ip_address" varchar(64),
	"user_agent" text,
	"request_id" varchar(100),
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" varchar(255) NOT NULL,
	"role" varchar(20) NOT NULL,
	"message" text,
	"token_hash" varchar(128) NOT NULL,
	"invited_by" uuid NOT NULL,
	"status" varchar(20) DEFAULT 'pending' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by_ip" "inet",
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invitations_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"audience" varchar(10) NOT NULL,
	"email" varchar(255) NOT NULL,
	"ip_address" varchar(64),
	"success" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"notification_id" uuid,
	"channel" varchar(10) NOT NULL,
	"target" text NOT NULL,
	"status" varchar(20) DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"admin_id" uuid,
	"tenant_id" uuid,
	"user_id" uuid,
	"event" varchar(60) NOT NULL,
	"severity" varchar(10) DEFAULT 'info' NOT NULL,
	"title" varchar(255) NOT NULL,
	"body" text,
	"link" varchar(500),
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consent_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"user_id" uuid,
	"subject_email" varchar(255),
	"consent_type" varchar(50) NOT NULL,
	"granted" boolean NOT NULL,
	"policy_version" varchar(30) NOT NULL,
	"ip_address" varchar(64),
	"user_agent" text,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "data_breach_incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" varchar(255) NOT NULL,
	"description" text NOT NULL,
	"severity" varchar(10) NOT NULL,
	"status" varchar(20) DEFAULT 'detected' NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"contained_at" timestamp with time zone,
	"authority_notified_at" timestamp with time zone,
	"affected_tenant_ids" uuid[] DEFAULT '{}' NOT NULL,
	"affected_records" integer,
	"reported_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_processing_agreements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subprocessor" varchar(100) NOT NULL,
	"provider_id" varchar(50),
	"status" varchar(20) DEFAULT 'draft' NOT NULL,
	"signed_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"document_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_retention_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"data_type" varchar(50) NOT NULL,
	"retention_days" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_retention" UNIQUE("tenant_id","data_type")
);
--> statement-breakpoint
CREATE TABLE "gdpr_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"user_id" uuid,
	"subject_email" varchar(255) NOT NULL,
	"request_type" varchar(20) NOT NULL,
	"status" varchar(20) DEFAULT 'received' NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"handled_by" uuid,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hipaa_config" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"baa_signed_at" timestamp with time zone,
	"baa_signed_by" varchar(255),
	"phi_logging_enabled" boolean DEFAULT false NOT NULL,
	"restrict_to_hipaa_providers" boolean DEFAULT true NOT NULL,
	"audit_retention_days" integer DEFAULT 2190 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hipaa_config_tenant_id_unique" UNIQUE("tenant_id")
);
--> statement-breakpoint
CREATE TABLE "phi_access_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"accessor_type" varchar(20) NOT NULL,
	"accessor_id" uuid,
	"resource_type" varchar(50) NOT NULL,
	"resource_id" varchar(255),
	"action" varchar(30) NOT NULL,
	"purpose" text,
	"ip_address" varchar(64),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "estimated_cost_alerts" ADD CONSTRAINT "estimated_cost_alerts_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "markup_overrides" ADD CONSTRAINT "markup_overrides_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "markup_overrides" ADD CONSTRAINT "markup_overrides_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_cost_history" ADD CONSTRAINT "model_cost_history_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_model_access" ADD CONSTRAINT "tenant_model_access_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_model_access" ADD CONSTRAINT "tenant_model_access_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_health" ADD CONSTRAINT "provider_health_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_rejections" ADD CONSTRAINT "provider_rejections_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_logs" ADD CONSTRAINT "request_logs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_rejection_notifications" ADD CONSTRAINT "user_rejection_notifications_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_rejection_notifications" ADD CONSTRAINT "user_rejection_notifications_rejection_id_provider_rejections_id_fk" FOREIGN KEY ("rejection_id") REFERENCES "public"."provider_rejections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_entries" ADD CONSTRAINT "revenue_entries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD CONSTRAINT "usage_rollups_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD CONSTRAINT "usage_rollups_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_initiated_by_administrators_id_fk" FOREIGN KEY ("initiated_by") REFERENCES "public"."administrators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_approved_by_administrators_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."administrators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_rejected_by_administrators_id_fk" FOREIGN KEY ("rejected_by") REFERENCES "public"."administrators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_administrators_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."administrators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."notifications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_admin_id_administrators_id_fk" FOREIGN KEY ("admin_id") REFERENCES "public"."administrators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_records" ADD CONSTRAINT "consent_records_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_retention_policies" ADD CONSTRAINT "data_retention_policies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gdpr_requests" ADD CONSTRAINT "gdpr_requests_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hipaa_config" ADD CONSTRAINT "hipaa_config_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phi_access_log" ADD CONSTRAINT "phi_access_log_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_api_keys_tenant" ON "api_keys" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "idx_api_keys_prefix" ON "api_keys" USING btree ("key_prefix");--> statement-breakpoint
CREATE INDEX "idx_tenants_status" ON "tenants" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_users_tenant" ON "users" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_users_email" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "idx_alerts_status" ON "estimated_cost_alerts" USING btree ("status","severity");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_markup_target" ON "markup_overrides" USING btree ("scope",coalesce("provider_id", ''),coalesce("model_id", ''));--> statement-breakpoint
CREATE INDEX "idx_cost_history_model" ON "model_cost_history" USING btree ("model_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_models_provider" ON "models" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "idx_models_category" ON "models" USING btree ("category");--> statement-breakpoint
CREATE INDEX "idx_providers_category" ON "providers" USING btree ("category");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_tenant_model" ON "tenant_model_access" USING btree ("tenant_id","model_id");--> statement-breakpoint
CREATE INDEX "idx_rejections_tenant" ON "provider_rejections" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_request_logs_tenant" ON "request_logs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_request_logs_expiry" ON "request_logs" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "idx_routing_priority" ON "routing_rules" USING btree ("enabled","priority");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_usage_request" ON "usage_events" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "idx_usage_tenant_time" ON "usage_events" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_usage_model_time" ON "usage_events" USING btree ("model_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_usage_time" ON "usage_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_usage_unrolled" ON "usage_events" USING btree ("created_at") WHERE rolled_up_at IS NULL;--> statement-breakpoint
CREATE INDEX "idx_rejection_notes_tenant" ON "user_rejection_notifications" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_cost_period" ON "cost_entries" USING btree ("period");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_cost_source" ON "cost_entries" USING btree ("source_ref");--> statement-breakpoint
CREATE INDEX "idx_invoices_tenant" ON "invoices" USING btree ("tenant_id","period");--> statement-breakpoint
CREATE INDEX "idx_invoices_status" ON "invoices" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_invoice_live_period" ON "invoices" USING btree ("tenant_id","period") WHERE status <> 'void';--> statement-breakpoint
CREATE INDEX "idx_rda_day" ON "revenue_daily_aggregates" USING btree ("day");--> statement-breakpoint
CREATE INDEX "idx_revenue_period" ON "revenue_entries" USING btree ("period","tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_revenue_source" ON "revenue_entries" USING btree ("source_ref");--> statement-breakpoint
CREATE INDEX "idx_rollups_date" ON "usage_rollups" USING btree ("rollup_date");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_admin_email" ON "administrators" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "idx_approvals_status" ON "approval_requests" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "idx_audit_created" ON "audit_logs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_audit_resource" ON "audit_logs" USING btree ("resource_type","resource_id");--> statement-breakpoint
CREATE INDEX "idx_audit_actor" ON "audit_logs" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "idx_invitations_email" ON "invitations" USING btree ("email");--> statement-breakpoint
CREATE INDEX "idx_login_attempts_email" ON "login_attempts" USING btree ("email","created_at");--> statement-breakpoint
CREATE INDEX "idx_notifications_admin" ON "notifications" USING btree ("admin_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_notifications_tenant" ON "notifications" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_consent_tenant" ON "consent_records" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "idx_gdpr_tenant" ON "gdpr_requests" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "idx_phi_tenant" ON "phi_access_log" USING btree ("tenant_id","created_at");