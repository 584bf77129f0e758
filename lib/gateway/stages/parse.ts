/** Stage: read and validate the request body. Bad input is a 400 naming the field, before any
 * provider is called. */
import type { z } from 'zod';
import { ValidationError, fromZodIssues } from '../../errors';
import { GatewayError } from '../errors';
import type { RequestContext } from '../pipeline/context';

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

/** Reads the whole body (413 above the limit) and validates it as JSON against `schema`. */
export async function readJsonBody<S extends z.ZodType>(ctx: RequestContext, schema: S, limitBytes: number, what?: string): Promise<{ raw: Buffer; body: z.output<S> }> {
  const raw = await ctx.req.readBody(limitBytes);
  return { raw, body: validate(schema, parseJson(raw), what) };
}
