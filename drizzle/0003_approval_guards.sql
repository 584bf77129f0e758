-- Hand-written: the approval workflow's and the invitations' state machines, held by the database
-- as well as by lib/governance (defence in depth: a bug or a direct UPDATE as radiant_platform
-- cannot approve an expired request, revive a finished one, or swap a payload after proposal).
-- drizzle-kit cannot express triggers, hence a custom migration.

-- Approval requests: what was proposed is immutable; a request leaves 'pending' once, and a
-- request past its expiry can never become 'approved' or 'executed'.
CREATE OR REPLACE FUNCTION radiant_approval_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type IS DISTINCT FROM OLD.type
     OR NEW.action IS DISTINCT FROM OLD.action
     OR NEW.payload IS DISTINCT FROM OLD.payload
     OR NEW.risk_level IS DISTINCT FROM OLD.risk_level
     OR NEW.environment IS DISTINCT FROM OLD.environment
     OR NEW.initiated_by IS DISTINCT FROM OLD.initiated_by
     OR NEW.initiated_at IS DISTINCT FROM OLD.initiated_at THEN
    RAISE EXCEPTION 'approval request %: what was proposed cannot be changed', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    IF OLD.status NOT IN ('pending', 'approved')
       OR (OLD.status = 'approved' AND NEW.status NOT IN ('executed', 'failed')) THEN
      RAISE EXCEPTION 'approval request %: status % is final (refused % -> %)', OLD.id, OLD.status, OLD.status, NEW.status
        USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'pending' AND NEW.status IN ('approved', 'executed') AND OLD.expires_at <= now() THEN
      RAISE EXCEPTION 'approval request % expired at %: it can no longer be approved', OLD.id, OLD.expires_at
        USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status IN ('approved', 'executed') AND NEW.approved_by IS NULL THEN
      RAISE EXCEPTION 'approval request %: % needs an approver', OLD.id, NEW.status
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER approval_requests_guard BEFORE UPDATE ON approval_requests
  FOR EACH ROW EXECUTE FUNCTION radiant_approval_guard();
--> statement-breakpoint
-- The request history is kept: nobody on the app paths deletes a request.
REVOKE DELETE, TRUNCATE ON approval_requests FROM radiant_platform, radiant_app;
--> statement-breakpoint

-- Invitations: the token and the invited role are fixed; a used, revoked or expired invitation
-- stays so; an invitation past its expiry cannot be accepted.
CREATE OR REPLACE FUNCTION radiant_invitation_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.token_hash IS DISTINCT FROM OLD.token_hash
     OR NEW.role IS DISTINCT FROM OLD.role
     OR NEW.email IS DISTINCT FROM OLD.email
     OR NEW.invited_by IS DISTINCT FROM OLD.invited_by THEN
    RAISE EXCEPTION 'invitation %: token, email, role and inviter cannot be changed', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    IF OLD.status <> 'pending' THEN
      RAISE EXCEPTION 'invitation %: status % is final', OLD.id, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'accepted' AND OLD.expires_at <= now() THEN
      RAISE EXCEPTION 'invitation % expired at %', OLD.id, OLD.expires_at USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER invitations_guard BEFORE UPDATE ON invitations
  FOR EACH ROW EXECUTE FUNCTION radiant_invitation_guard();
