/** Governance-specific refusals, as subclasses of the one hierarchy in lib/errors.ts (so every
 * surface maps them without knowing about them). `code` tells clients which rule refused. */
import { ForbiddenError, InvalidStateError } from '../errors';

/** The approver is the initiator: the two-person rule. */
export class SelfApprovalError extends ForbiddenError {
  override readonly code = 'self_approval';
}

/** Approving requires a session that passed a TOTP check (RADIANT_REQUIRE_MFA_FOR_APPROVAL). */
export class MfaRequiredError extends ForbiddenError {
  override readonly code = 'mfa_required';
}

/** The request's payload could not be applied; nothing was changed and the request is 'failed'. */
export class ExecutionFailedError extends InvalidStateError {
  override readonly code = 'execution_failed';
}

/** The request (or invitation) is past its expiry. */
export class ExpiredError extends InvalidStateError {
  override readonly code = 'expired';
}
