/**
 * The one error mapper of the /api/v1 surface: every typed error (lib/errors.ts), the adapters'
 * UnsupportedFeatureError, upstream errors translated by the adapters, zod errors and anything
 * unknown become an OpenAI-style `{ error: { message, type, code, param } }` with a status and
 * headers. Unknown errors are a generic 500 naming the request id; their message is logged only.
 */
import { ZodError } from 'zod';
import {
  AppError,
  BudgetExceededError,
  ConflictError,
  ForbiddenError,
  NoEligibleModelError,
  NotFoundError,
  ProviderNotConfiguredError,
  RateLimitedError,
  UnauthenticatedError,
  UpstreamError,
  ValidationError,
  fromZodIssues,
  isAppError,
} from '../errors';
import { UnsupportedFeatureError, type TranslatedError } from './adapters/shared';
import type { OpenAIErrorBody } from './adapters/openai-types';
import { UpstreamConnectionError } from './upstream/http-client';
import { gatewayLog } from './log';

/** A gateway-specific error with an explicit status, OpenAI type and code. */
export class GatewayError extends AppError {
  readonly code: string;
  readonly httpStatus: number;
  override readonly openaiType: string;
  constructor(
    httpStatus: number,
    code: string,
    message: string,
    options: { type?: string; param?: string | null; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.httpStatus = httpStatus;
    this.code = code;
    this.openaiType = options.type ?? (httpStatus >= 500 ? 'api_error' : 'invalid_request_error');
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }
  readonly param: string | null;
  readonly headers: Record<string, string>;
}

/** An upstream failure already translated to the OpenAI shape by an adapter. */
export class TranslatedUpstreamError extends UpstreamError {
  override readonly httpStatus: number;
  override readonly code: string;
  constructor(
    readonly translated: TranslatedError,
    readonly retryAfterMs: number | null = null,
  ) {
    super(translated.body.error.message, translated.upstreamStatus);
    this.httpStatus = translated.status;
    this.code = translated.body.error.code ?? 'upstream_error';
  }
}

export const modelNotFound = (model: string) => new NotFoundError(`The model '${model}' does not exist or you do not have access to it.`);

export interface MappedError {
  status: number;
  body: OpenAIErrorBody;
  headers: Record<string, string>;
}

function body(message: string, type: string, code: string | null, param: string | null = null): OpenAIErrorBody {
  return { error: { message, type, code, param } };
}

export function toOpenAIError(err: unknown, requestId: string): MappedError {
  const e = err instanceof ZodError ? new ValidationError('Invalid request body', fromZodIssues(err.issues)) : err;
  if (e instanceof UpstreamConnectionError && e.kind === 'aborted') {
    // The client went away: nobody reads this answer, and it is no server error.
    return { status: 499, body: body('The client closed the connection.', 'invalid_request_error', 'client_disconnected'), headers: {} };
  }
  if (e instanceof TranslatedUpstreamError) {
    return { status: e.httpStatus, body: e.translated.body, headers: {} };
  }
  if (e instanceof GatewayError) {
    return { status: e.httpStatus, body: body(e.message, e.openaiType, e.code, e.param), headers: e.headers };
  }
  if (e instanceof UnsupportedFeatureError) {
    return { status: 400, body: e.toOpenAIError(), headers: {} };
  }
  if (isAppError(e)) {
    if (e instanceof ValidationError) {
      const first = e.issues[0];
      const msg = first ? `${e.message}: ${first.path ? `${first.path}: ` : ''}${first.message}` : e.message;
      return { status: 400, body: body(msg, 'invalid_request_error', null, e.param), headers: {} };
    }
    if (e instanceof UnauthenticatedError) {
      return { status: 401, body: body(e.message, 'invalid_request_error', e.code === 'unauthenticated' ? 'invalid_api_key' : e.code), headers: {} };
    }
    if (e instanceof ForbiddenError) return { status: 403, body: body(e.message, 'permission_error', e.code), headers: {} };
    if (e instanceof NotFoundError) {
      return {
        status: 404,
        body: body(e.message, 'invalid_request_error', e.code === 'not_found' ? 'model_not_found' : e.code, e.code === 'not_found' ? 'model' : null),
        headers: {},
      };
    }
    if (e instanceof RateLimitedError) {
      return {
        status: 429,
        body: body(e.message, 'rate_limit_error', 'rate_limit_exceeded'),
        headers: { 'retry-after': String(Math.max(1, Math.ceil(e.retryAfterSeconds))), ...e.headers },
      };
    }
    if (e instanceof BudgetExceededError) return { status: 429, body: body(e.message, 'insufficient_quota', 'insufficient_quota'), headers: {} };
    if (e instanceof NoEligibleModelError) return { status: 422, body: body(e.message, 'invalid_request_error', e.code, 'model'), headers: {} };
    if (e instanceof ProviderNotConfiguredError) {
      // Its message names our environment variables and key storage: for the server log only.
      gatewayLog.warn({ requestId, err: { name: e.name, message: e.message } }, 'provider not configured');
      return { status: 503, body: body('The provider of this model is not available on this gateway right now.', 'api_error', e.code), headers: {} };
    }
    if (e instanceof ConflictError) return { status: 409, body: body(e.message, 'invalid_request_error', e.code), headers: {} };
    if (e instanceof UpstreamError) return { status: e.httpStatus, body: body(e.message, 'api_error', e.code), headers: {} };
    return { status: e.httpStatus, body: body(e.message, e.openaiType, e.code), headers: {} };
  }
  gatewayLog.error(
    { requestId, err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) },
    'unhandled gateway error',
  );
  return {
    status: 500,
    body: body(`The server had an error while processing your request. Quote request id ${requestId} if you contact support.`, 'api_error', 'internal_error'),
    headers: {},
  };
}
