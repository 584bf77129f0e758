/**
 * The error mapper for the JSON APIs used by browsers (/api/admin, /api/portal): a small
 * problem+json shape. Typed errors keep their status and message; anything else is a generic
 * 500 carrying the request id, with the real error only in the server log.
 */
import { ZodError } from 'zod';
import { newRequestId } from '../platform/request-id';
import { fromZodIssues, isAppError, ValidationError, type FieldIssue } from '../errors';
import { getLogger } from '../observability/logger';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  errors?: FieldIssue[];
}

export function toProblem(err: unknown, requestId: string): Problem {
  const e = err instanceof ZodError ? new ValidationError('Invalid input', fromZodIssues(err.issues)) : err;
  if (isAppError(e)) {
    return {
      type: `https://radiant.dev/problems/${e.code}`,
      title: e.name,
      status: e.httpStatus,
      detail: e.message,
      code: e.code,
      requestId,
      ...(e instanceof ValidationError && e.issues.length ? { errors: e.issues } : {}),
    };
  }
  getLogger().error({ err, requestId }, 'unhandled error');
  return {
    type: 'https://radiant.dev/problems/internal_error',
    title: 'Internal Server Error',
    status: 500,
    detail: 'Something went wrong on our side. Quote the request id if you contact support.',
    code: 'internal_error',
    requestId,
  };
}

export function problemResponse(err: unknown, requestId = newRequestId()): Response {
  const p = toProblem(err, requestId);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', 'x-request-id': requestId };
  return new Response(JSON.stringify(p), { status: p.status, headers });
}

/** Wraps a route handler body: JSON result on success, problem JSON on any error. */
export async function handleJson<T>(fn: (requestId: string) => Promise<T>, init?: { status?: number }): Promise<Response> {
  const requestId = newRequestId();
  try {
    const body = await fn(requestId);
    if (body instanceof Response) return body;
    return Response.json(body, { status: init?.status ?? 200, headers: { 'x-request-id': requestId } });
  } catch (err) {
    return problemResponse(err, requestId);
  }
}
