/** Stage: read and validate the request body. Bad input is a 400 naming the field, before any
 * provider is called. */
import type { z } from 'zod';
import { ValidationError, fromZodIssues } from '../../errors';
import { GatewayError } from '../errors';

export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) throw new GatewayError(400, 'invalid_json', 'The request body is empty; send a JSON object.');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GatewayError(400, 'invalid_json', 'We could not parse the JSON body of your request. Send valid JSON (Content-Type: application/json).');
  }
}

export function validate<S extends z.ZodType>(schema: S, json: unknown, what = 'Invalid request body'): z.output<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ValidationError(what, fromZodIssues(parsed.error.issues));
  return parsed.data;
}

/**
 * Request fields that change what the platform pays or how the provider keeps the data: a faster
 * (dearer) service tier, storing the completion in the platform's provider account (with its
 * metadata), predicted outputs billed as completion tokens. They are dropped unless an
 * administrator allowed them for the tenant (tenants.settings.allowedProviderExtras, e.g.
 * ["store"]); an allowed field is passed on as sent and the request is metered at catalog rates.
 */
export const PROVIDER_EXTRAS = ['service_tier', 'store', 'metadata', 'prediction'] as const;

/** The body without the extras the tenant may not use, and which ones were dropped. */
export function dropProviderExtras(body: Record<string, unknown>, settings: Record<string, unknown>): { body: Record<string, unknown>; dropped: string[] } {
  const allowed = Array.isArray(settings.allowedProviderExtras) ? (settings.allowedProviderExtras as unknown[]) : [];
  const dropped = PROVIDER_EXTRAS.filter((f) => body[f] !== undefined && !allowed.includes(f));
  if (dropped.length === 0) return { body, dropped };
  const copy = { ...body };
  for (const f of dropped) delete copy[f];
  return { body: copy, dropped };
}
