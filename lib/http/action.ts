/**
 * Server-action plumbing shared by the admin console and the portal: run a verb, turn typed
 * errors into a form result (message + field errors), never leak an unknown error's message
 * (logged with a request id instead), and let Next's redirect/notFound signals through.
 */
import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import { ZodError } from 'zod';
import { isAppError, ValidationError } from '../errors';
import { newRequestId } from '../platform/request-id';
import { fieldErrorsFrom, type ActionResult } from './action-result';
import { getLogger } from '../observability/logger';

export function actionError(err: unknown): ActionResult<never> {
  unstable_rethrow(err);
  if (err instanceof ZodError) return { ok: false, message: 'Please correct the highlighted fields.', fieldErrors: fieldErrorsFrom(err.issues) };
  if (isAppError(err)) {
    if (err instanceof ValidationError && err.issues.length) {
      const fieldErrors: Record<string, string[]> = {};
      for (const i of err.issues) (fieldErrors[i.path.replace(/^payload\./, '') || '_form'] ??= []).push(i.message);
      return { ok: false, message: err.message, fieldErrors };
    }
    return { ok: false, message: err.message };
  }
  const requestId = newRequestId();
  getLogger().error({ err, requestId }, 'server action failed');
  return { ok: false, message: `Something went wrong on our side (request ${requestId}). Nothing was changed.`, requestId };
}

export async function runAction<T>(fn: () => Promise<T>, message?: string): Promise<ActionResult<T>> {
  try {
    const data = await fn();
    return message === undefined ? { ok: true, data } : { ok: true, data, message };
  } catch (err) {
    return actionError(err);
  }
}
