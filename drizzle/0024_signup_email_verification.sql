-- 0020: self-service sign-up (RADIANT_SIGNUP=open, issue 14; docs/tenants.md "Self-service
-- sign-up"). A sign-up's e-mail verification token is a row of password_reset_tokens (same
-- shape: tenant, user, SHA-256 of a 32-byte token, expiry, single use) told apart by `purpose`;
-- each flow reads only its own purpose. users.status gains 'unverified' and login_attempts.audience
-- gains 'signup': both are varchar columns without a database check, so only the schema's
-- TypeScript enums change.
ALTER TABLE "password_reset_tokens" ADD COLUMN "purpose" varchar(20) DEFAULT 'reset' NOT NULL;
