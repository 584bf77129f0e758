/**
 * One JSON call to a provider for the adapters that do their own HTTP trip (Voyage, Exa,
 * Tavily): POST a JSON body with `upstreamRequest`, read the whole answer with `readAll`, and turn
 * every failure into the typed error the router acts on:
 * - a non-2xx answer -> TranslatedUpstreamError from the provider's own error translator, with
 *   the provider's Retry-After (seconds, HTTP date or retry-after-ms);
 * - no answer in time -> 504 `timeout` (retryable); connection refused / cut -> 502 `server`
 *   (retryable); a 2xx that is not JSON -> 502 `server` (retryable);
 * - the client going away -> the UpstreamConnectionError('aborted') itself (not a provider fault).
 */
import { TranslatedUpstreamError } from '../errors';
import { readAll, upstreamRequest, UpstreamConnectionError } from '../upstream/http-client';
import { buildTranslatedError, type TranslatedError } from './shared';

export interface JsonCall {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** Deadline for the whole call (headers and body). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** e.g. "Voyage AI", used in messages. */
  providerLabel: string;
  /** The provider's error body -> OpenAI-shaped error with kind and retryability. */
  translateError(status: number, text: string): TranslatedError;
}

export interface JsonAnswer {
  status: number;
  json: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Retry-After in ms: `retry-after-ms`, `retry-after` seconds or an HTTP date; null when absent. */
export function retryAfterFromHeaders(headers: Record<string, string | string[] | undefined>): number | null {
  const ms = headers['retry-after-ms'];
  if (typeof ms === 'string' && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers['retry-after'];
  if (typeof ra === 'string' && ra.trim() !== '') {
    const n = Number(ra);
    if (Number.isFinite(n)) return Math.max(0, n * 1000);
    const d = Date.parse(ra);
    if (Number.isFinite(d)) return Math.max(0, d - Date.now());
  }
  return null;
}

function connectionError(err: UpstreamConnectionError, label: string): TranslatedUpstreamError {
  if (err.kind === 'timeout') {
    return new TranslatedUpstreamError(buildTranslatedError(504, 'timeout', `The upstream provider (${label}) did not answer in time.`, label));
  }
  const t = buildTranslatedError(502, 'server', `Could not reach the upstream provider (${label}).`, label);
  return new TranslatedUpstreamError({ ...t, retryable: true });
}

export async function postJson(c: JsonCall): Promise<JsonAnswer> {
  const deadline = Date.now() + c.timeoutMs;
  let text: string;
  let status: number;
  let headers: Record<string, string | string[] | undefined>;
  try {
    const res = await upstreamRequest({
      url: c.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...c.headers },
      body: JSON.stringify(c.body),
      timeoutMs: c.timeoutMs,
      signal: c.signal,
    });
    status = res.status;
    headers = res.headers;
    const limit = status >= 200 && status < 300 ? undefined : 1024 * 1024;
    text = (await readAll(res, Math.max(1, deadline - Date.now()), c.signal, limit)).toString('utf8');
  } catch (err) {
    if (err instanceof UpstreamConnectionError && err.kind !== 'aborted') throw connectionError(err, c.providerLabel);
    throw err;
  }
  if (status < 200 || status >= 300) {
    throw new TranslatedUpstreamError(c.translateError(status, text), retryAfterFromHeaders(headers));
  }
  try {
    return { status, json: JSON.parse(text) as unknown, headers };
  } catch {
    throw invalidAnswer(c.providerLabel);
  }
}

/** A 2xx answer whose body does not have the provider's documented shape (retryable). */
export function invalidAnswer(label: string): TranslatedUpstreamError {
  const t = buildTranslatedError(502, 'server', `The upstream provider (${label}) sent an invalid response.`, label);
  return new TranslatedUpstreamError({ ...t, retryable: true });
}
