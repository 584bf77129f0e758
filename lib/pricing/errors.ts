/**
 * Pricing-specific typed errors. They extend the shared hierarchy in lib/errors.ts, so every
 * surface maps them like any other AppError. (NoEligibleModelError and ValidationError are the
 * shared ones; they are re-exported here for convenience.)
 */
import { AppError, InvalidStateError } from '@/lib/errors';

/** No known-cost model is similar enough (same category and pricing type) to estimate from. */
export class EstimateUnavailableError extends AppError {
  readonly code = 'estimate_unavailable';
  readonly httpStatus = 422;
}

/** An estimated-cost alert cannot move from its current status to the requested one. */
export class InvalidAlertTransitionError extends InvalidStateError {
  override readonly code: string = 'invalid_alert_transition';
}
