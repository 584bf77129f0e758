ALTER TABLE "administrators" ADD COLUMN "mfa_last_time_step" integer;--> statement-breakpoint
ALTER TABLE "login_attempts" ADD COLUMN "reason" varchar(30);--> statement-breakpoint
CREATE INDEX "idx_approvals_initiator" ON "approval_requests" USING btree ("initiated_by","created_at");--> statement-breakpoint
CREATE INDEX "idx_login_attempts_ip" ON "login_attempts" USING btree ("ip_address","created_at");