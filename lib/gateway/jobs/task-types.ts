/**
 * The contract between the jobs runner and the asynchronous provider adapters (video and 3D):
 * one adapter per wire format under lib/gateway/adapters/<format>.ts. An adapter is pure HTTP
 * against the provider's own task API (create, poll, cancel where offered, provider webhook
 * where offered); it never touches the database, money or storage. Framework-free.
 */
import { isRetryableKind, kindForStatus, providerError, sanitizeProviderMessage, type UpstreamErrorKind } from '../adapters/shared';
import { gatewayLog } from '../log';
import { guardedFetch, isGuardedOrigin } from '../../platform/outbound';

export type JobKind = 'video' | '3d';

/** What a tenant asked for, already validated against the model (see `validate`). */
export interface TaskRequest {
  kind: JobKind;
  /** The provider's own model id (models.provider_model_id). */
  providerModelId: string;
  prompt: string;
  /** Video: requested length in whole seconds. */
  seconds: number | null;
  /** Video: `WIDTHxHEIGHT` as in OpenAI's Videos API, e.g. "1280x720". */
  size: string | null;
  /** An image URL (https: or data:) to start from. */
  inputReference: string | null;
  /** Where the provider should POST task updates, when it offers per-task callbacks. */
  callbackUrl: string | null;
}

export interface TaskEndpoint {
  baseUrl: string;
  /** The provider credential (Kling: "<access key>:<secret key>"). */
  apiKey: string;
  /** Per HTTP call; default 30 s. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export interface ResultFile {
  /** `video` (mp4), `model` (glb) or `preview` (an image). */
  role: 'video' | 'model' | 'preview';
  url: string;
  /** Headers the download needs (Veo's file URLs want the API key). */
  headers?: Record<string, string>;
  contentType: string;
}

export interface TaskFailure {
  /** Stable code: the provider's code where it gives one, else ours. */
  code: string;
  /** The provider's reason, as it gave it (shown to the tenant). */
  message: string;
  contentPolicy: boolean;
}

export type TaskStatus = 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled';

export interface TaskState {
  status: TaskStatus;
  /** 0-100 where the provider reports it. */
  progress: number | null;
  files: ResultFile[];
  /** Video: seconds actually produced, as the provider reports them (decimal string). */
  producedSeconds: string | null;
  failure: TaskFailure | null;
}

export interface ValidationIssue {
  param: string;
  message: string;
}

export interface TaskAdapter {
  wireFormat: string;
  kind: JobKind;
  /** Bad input for this model, named by the field, before any provider call; null = fine. */
  validate(req: TaskRequest): ValidationIssue | null;
  create(ep: TaskEndpoint, req: TaskRequest): Promise<{ taskId: string }>;
  poll(ep: TaskEndpoint, taskId: string, req: TaskRequest): Promise<TaskState>;
  /** 'cancelled': the provider stopped it (and does not charge); 'unsupported': it runs on. */
  cancel(ep: TaskEndpoint, taskId: string): Promise<'cancelled' | 'unsupported'>;
  /** A provider callback body -> the task it is about and its state (null: not ours / unreadable). */
  parseWebhook?(body: unknown): { taskId: string; state: TaskState } | null;
  /** Providers that POST task updates to a URL given at creation. */
  acceptsCallback: boolean;
}

/** A provider HTTP error or an unreachable provider. */
export class ProviderTaskError extends Error {
  constructor(
    message: string,
    readonly kind: UpstreamErrorKind,
    readonly upstreamStatus: number,
    readonly providerCode: string | null = null,
  ) {
    super(message);
    this.name = 'ProviderTaskError';
  }
  get retryable(): boolean {
    return isRetryableKind(this.kind);
  }
}

export function pending(status: 'queued' | 'in_progress', progress: number | null = null): TaskState {
  return { status, progress, files: [], producedSeconds: null, failure: null };
}

/** A finished task with the files whose URL the provider gave (null entries are dropped). */
export function completed(files: Array<ResultFile | null>, producedSeconds: string | null = null): TaskState {
  return { status: 'completed', progress: 100, files: files.filter((f): f is ResultFile => f !== null), producedSeconds, failure: null };
}

/** A result file where the provider gave its URL, else null (see `completed`). */
export function resultFile(role: ResultFile['role'], url: unknown, contentType: string): ResultFile | null {
  const u = str(url);
  return u ? { role, url: u, contentType } : null;
}

/** A task the provider cancelled (it does not charge). */
export function cancelledState(): TaskState {
  return { ...pending('in_progress'), status: 'cancelled' };
}

/** A task the provider failed for a free-text reason (or `fallback`), a content-policy refusal when it reads as one. */
export function providerFailed(reason: string | null, fallback: string): TaskState {
  const msg = reason ?? fallback;
  const policy = looksLikePolicy(msg);
  return failed(policy ? 'content_policy' : 'provider_failed', msg, policy);
}

/** `Authorization: Bearer <key>`, what most task APIs take. */
export function bearerHeaders(ep: TaskEndpoint): Record<string, string> {
  return { authorization: `Bearer ${ep.apiKey}` };
}

/** An error body's `message` (else the start of the text) and `code`, the common error shape of task APIs. */
export function messageAndCode(json: unknown, text: string): { message: string; code: string | null } {
  const j = rec(json);
  return { message: str(j.message) ?? text.slice(0, 300), code: j.code !== undefined && j.code !== null ? String(j.code) : null };
}

export function failed(code: string, message: string, contentPolicy = false): TaskState {
  // The provider's reason reaches the tenant (job status): sanitized of ids, keys and URLs.
  return { status: 'failed', progress: null, files: [], producedSeconds: null, failure: { code, message: sanitizeProviderMessage(message), contentPolicy } };
}

const POLICY_WORDS = /(content|safety|moderation|policy|nsfw|inappropriate|prohibited|sensitive|violat|banned|risk control)/i;

/** A provider's free-text failure reason read as a content-policy refusal or not. */
export function looksLikePolicy(text: string | null | undefined): boolean {
  return !!text && POLICY_WORDS.test(text);
}

/**
 * One JSON call to a provider. Non-2xx -> ProviderTaskError with the provider's message (read by
 * `messageOf` from the body), network failure or timeout -> ProviderTaskError kind 'timeout' /
 * 'server' (retryable).
 */
export async function callJson(
  ep: TaskEndpoint,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  provider: string,
  messageOf: (json: unknown, text: string) => { message: string; code: string | null },
): Promise<unknown> {
  // A provider base URL a person set is checked at connect time (lib/platform/outbound.ts).
  const f = ep.fetchImpl ?? (isGuardedOrigin(new URL(url).origin) ? (guardedFetch as typeof fetch) : fetch);
  let res: Response;
  try {
    res = await f(url, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(ep.timeoutMs ?? 30_000),
    });
  } catch (err) {
    const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new ProviderTaskError(timeout ? `${provider} did not answer in time.` : `Could not reach ${provider}.`, timeout ? 'timeout' : 'server', 0);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const { message, code } = messageOf(json, text);
    const base = kindForStatus(res.status);
    const kind = looksLikePolicy(message) && base === 'invalid_request' ? 'content_policy' : base;
    // The job's error is shown to the tenant: our wording (shared.ts providerError); the provider's own to the log.
    const t = providerError(res.status, kind, { type: code, message }, provider);
    gatewayLog.warn({ provider, upstream: t.upstream }, 'upstream error (job)');
    throw new ProviderTaskError(t.body.error.message, kind, res.status, code);
  }
  return json;
}

export function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** A decimal-seconds string ("5", "5.1") from a number or numeric string; null otherwise. */
export function secondsString(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return String(v);
  if (typeof v === 'string' && /^\d+(\.\d+)?s?$/.test(v)) return v.replace(/s$/, '');
  return null;
}

/** "1280x720" -> [1280, 720]. */
export function parseSize(size: string | null): [number, number] | null {
  const m = /^(\d{2,5})x(\d{2,5})$/.exec(size ?? '');
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export function oneOf<T>(value: T, allowed: readonly T[], param: string, what: string): ValidationIssue | null {
  return allowed.includes(value) ? null : { param, message: `${what} must be one of ${allowed.map(String).join(', ')} for this model (got ${String(value)}).` };
}
