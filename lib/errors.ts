/**
 * The one typed error hierarchy. Domain code throws these; each surface maps them once:
 * OpenAI-style error JSON on /api/v1 (lib/gateway/errors), a problem+json shape on /api/admin
 * and /api/portal (lib/http/problem.ts), field errors in forms. Anything that is not an AppError
 * becomes a generic 500 with the request id; its message never reaches a client.
 */

export interface FieldIssue {
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: number;
  /** OpenAI error `type` for the gateway surface. */
  readonly openaiType: string = 'invalid_request_error';
  readonly details?: Record<string, unknown>;

  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    if (options?.details) this.details = options.details;
  }
}

export class ValidationError extends AppError {
  readonly code = 'validation_error';
  readonly httpStatus = 400;
  readonly issues: FieldIssue[];
  /** The offending parameter, for OpenAI's `param` field. */
  readonly param: string | null;
  constructor(message: string, issues: FieldIssue[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.issues = issues;
    this.param = issues[0]?.path ?? null;
  }
}

export class UnauthenticatedError extends AppError {
  readonly code: string = 'unauthenticated';
  readonly httpStatus = 401;
  override readonly openaiType = 'authentication_error';
}

export class ForbiddenError extends AppError {
  readonly code: string = 'forbidden';
  readonly httpStatus = 403;
  override readonly openaiType = 'permission_error';
}

export class NotFoundError extends AppError {
  readonly code: string = 'not_found';
  readonly httpStatus = 404;
  override readonly openaiType = 'invalid_request_error';
}

export class ConflictError extends AppError {
  readonly code: string = 'conflict';
  readonly httpStatus = 409;
}

export class RateLimitedError extends AppError {
  readonly code = 'rate_limit_exceeded';
  readonly httpStatus = 429;
  override readonly openaiType = 'rate_limit_error';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class BudgetExceededError extends AppError {
  readonly code = 'insufficient_quota';
  readonly httpStatus = 429;
  override readonly openaiType = 'insufficient_quota';
  /** Whose monthly budget ran out: the organization's or one API key's (for metrics). */
  readonly scope: 'tenant' | 'key';
  constructor(message: string, scope: 'tenant' | 'key' = 'tenant', options?: { cause?: unknown }) {
    super(message, options);
    this.scope = scope;
  }
}

export class NoEligibleModelError extends AppError {
  readonly code = 'no_eligible_model';
  readonly httpStatus = 422;
}

export class UpstreamError extends AppError {
  readonly code: string = 'upstream_error';
  readonly httpStatus: number = 502;
  override readonly openaiType = 'api_error';
  constructor(
    message: string,
    readonly upstreamStatus: number | null = null,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options);
  }
}

export class ProviderNotConfiguredError extends AppError {
  readonly code = 'provider_not_configured';
  readonly httpStatus = 503;
  override readonly openaiType = 'api_error';
}

/** A state transition that the domain refuses (e.g. approving an expired request). */
export class InvalidStateError extends AppError {
  readonly code: string = 'invalid_state';
  readonly httpStatus = 409;
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** zod issues -> our field issues. Accepts anything with zod's `issues` shape. */
export function fromZodIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): FieldIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
