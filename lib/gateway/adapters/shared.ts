/**
 * Small helpers shared by the provider adapters. Framework-free.
 */
import { openAIError, type OpenAIErrorBody } from './openai-types';

/**
 * The client asked for something the target provider cannot do (and silently dropping it would
 * change the meaning of the request), e.g. `n > 1` on Anthropic or an audio part on Anthropic.
 * The gateway maps it to a 400 with `toOpenAIError()`; it is not a provider failure, so the
 * router should not count it against provider health.
 */
export class UnsupportedFeatureError extends Error {
  readonly status = 400;
  constructor(
    message: string,
    readonly param: string | null = null,
    readonly code: string = 'unsupported_parameter',
  ) {
    super(message);
    this.name = 'UnsupportedFeatureError';
  }
  toOpenAIError(): OpenAIErrorBody {
    return openAIError(this.message, 'invalid_request_error', this.code, this.param);
  }
}

/** Broad class of an upstream error; lets the router decide on retry / fallback / cooldown. */
export type UpstreamErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'request_too_large'
  | 'rate_limit'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'content_policy'
  | 'other';

/**
 * A provider error translated to the OpenAI error shape.
 *
 * `status` is what we suggest sending to the API client. It equals the upstream status except
 * for 401/403 (our provider credentials are wrong or lack access: that is the gateway's fault,
 * not the client's, so it becomes 502) and non-standard codes such as Anthropic's 529 (503).
 */
export interface TranslatedError {
  status: number;
  upstreamStatus: number;
  kind: UpstreamErrorKind;
  /** Whether retrying the same request later (or on another provider) may succeed. */
  retryable: boolean;
  body: OpenAIErrorBody;
  /** Set when no HTTP answer came at all: the connection failed or timed out. */
  transport?: 'connection' | 'timeout';
  /** What the provider itself said, for the server log and the request log; never sent to tenants. */
  upstream?: UpstreamDetail;
}

export interface UpstreamDetail {
  provider: string;
  status: number;
  type: string | null;
  message: string;
}

export function kindForStatus(status: number): UpstreamErrorKind {
  if (status === 400 || status === 422) return 'invalid_request';
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  return 'other';
}

export function isRetryableKind(kind: UpstreamErrorKind): boolean {
  return kind === 'rate_limit' || kind === 'overloaded' || kind === 'server' || kind === 'timeout';
}

/** The status the gateway should answer with for an upstream error (see TranslatedError). */
export function clientStatusFor(upstreamStatus: number, kind: UpstreamErrorKind): number {
  if (kind === 'authentication' || kind === 'permission') return 502;
  if (upstreamStatus === 529) return 503;
  if (upstreamStatus < 400 || upstreamStatus > 599) return 502;
  return upstreamStatus;
}

/** OpenAI `type` / `code` for a kind, matching what OpenAI itself sends where it has an equivalent. */
export function openAITypeFor(kind: UpstreamErrorKind): { type: string; code: string | null } {
  switch (kind) {
    case 'invalid_request':
      return { type: 'invalid_request_error', code: null };
    case 'authentication':
      return { type: 'upstream_error', code: 'upstream_authentication_failed' };
    case 'permission':
      return { type: 'upstream_error', code: 'upstream_permission_denied' };
    case 'not_found':
      return { type: 'invalid_request_error', code: 'model_not_found' };
    case 'request_too_large':
      return { type: 'invalid_request_error', code: 'request_too_large' };
    case 'rate_limit':
      return { type: 'rate_limit_error', code: 'rate_limit_exceeded' };
    case 'overloaded':
      return { type: 'server_error', code: 'overloaded' };
    case 'timeout':
      return { type: 'server_error', code: 'timeout' };
    case 'content_policy':
      return { type: 'invalid_request_error', code: 'content_policy_violation' };
    case 'server':
    case 'other':
      return { type: 'server_error', code: null };
  }
}

export interface DataUrl {
  mediaType: string;
  /** base64 payload (data URLs that are not base64 are re-encoded). */
  data: string;
}

/** Parses `data:<media>;base64,<payload>`; returns null for anything else (e.g. https URLs). */
export function parseDataUrl(url: string): DataUrl | null {
  if (!url.startsWith('data:')) return null;
  const comma = url.indexOf(',');
  if (comma < 0) return null;
  const meta = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  const parts = meta.split(';');
  const mediaType = (parts[0] || 'text/plain').toLowerCase();
  const isBase64 = parts.slice(1).some((p) => p.toLowerCase() === 'base64');
  const data = isBase64 ? payload : utf8ToBase64(decodeURIComponent(payload));
  return { mediaType, data };
}

function utf8ToBase64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Joins a string-or-text-parts content into one string. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content as Array<Record<string, unknown>>) {
    if (part && part.type === 'text' && typeof part.text === 'string') out += part.text;
  }
  return out;
}

/** Parses tool-call arguments; invalid or non-object JSON becomes `{}` (providers need an object). */
export function parseToolArguments(args: string): Record<string, unknown> {
  if (!args) return {};
  try {
    const v: unknown = JSON.parse(args);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `call_` + 24 random alphanumerics, the shape OpenAI uses for tool call ids. */
export function newToolCallId(): string {
  let s = 'call_';
  for (let i = 0; i < 24; i++) s += ID_ALPHABET[Math.floor(Math.random() * ID_ALPHABET.length)];
  return s;
}

/** `chatcmpl-<requestId>` unless the id already has that prefix. */
export function completionId(requestId: string): string {
  return requestId.startsWith('chatcmpl-') ? requestId : `chatcmpl-${requestId}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** An upstream body as JSON: strings are parsed (null when not JSON), anything else as is. */
export function parseJsonBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return null;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export interface StreamTranslatorOptions {
  /** The model name the client asked for (echoed in every chunk). */
  model: string;
  requestId: string;
  /** stream_options.include_usage: send a final `choices: []` chunk with usage. */
  includeUsage: boolean;
  created?: number;
}

/**
 * A failure in the gateway's own words (connection failures, invalid answers, fallbacks that do not
 * fit). A provider's error body goes through `providerError` instead.
 */
export function buildTranslatedError(upstreamStatus: number, kind: UpstreamErrorKind, upstreamMessage: string, providerLabel: string): TranslatedError {
  const { type, code } = openAITypeFor(kind);
  let message: string;
  if (kind === 'authentication' || kind === 'permission') {
    // Never echo messages about the gateway's own provider credentials to API clients.
    message = `The upstream provider (${providerLabel}) rejected the gateway's credentials.`;
  } else if (upstreamMessage) {
    message = upstreamMessage;
  } else {
    message = `Upstream provider (${providerLabel}) error (HTTP ${upstreamStatus}).`;
  }
  let status = clientStatusFor(upstreamStatus, kind);
  if (kind === 'content_policy' && status < 400) status = 400;
  const body: OpenAIErrorBody = openAIError(message, type, code);
  return { status, upstreamStatus, kind, retryable: isRetryableKind(kind), body };
}

// ---------------------------------------------------------------------------------------------
// Provider error bodies: our wording for tenants, the provider's detail for admins
// ---------------------------------------------------------------------------------------------

/** Kinds caused by the tenant's own input: the provider's (sanitized) explanation helps fix it. */
const TENANT_INPUT_KINDS: ReadonlySet<UpstreamErrorKind> = new Set(['invalid_request', 'request_too_large', 'content_policy']);

const OUR_WORDING: Record<UpstreamErrorKind, string> = {
  invalid_request: 'The provider rejected the request',
  request_too_large: 'The provider rejected the request as too large',
  content_policy: 'The provider refused the request under its content policy',
  authentication: "The provider rejected the gateway's credentials",
  permission: "The provider refused the gateway's account access",
  not_found: 'The provider does not serve this model right now',
  rate_limit: 'The provider is rate limiting requests; retry shortly',
  overloaded: 'The provider is overloaded; retry shortly',
  server: 'The provider failed while processing the request',
  timeout: 'The provider did not answer in time',
  other: 'The provider answered with an unexpected error',
};

/** Our default explanation where the provider's own is not passed on. */
const OUR_SENTENCE: Partial<Record<UpstreamErrorKind, string>> = {
  invalid_request: 'check the request against the model it was sent to.',
  authentication: 'the gateway operator has to fix its provider credentials.',
  permission: 'the gateway operator has to fix its provider account.',
  not_found: 'try another model or retry later.',
  server: 'retry the request.',
  other: 'retry the request.',
};

const REDACTIONS: Array<[RegExp, string]> = [
  [/\bhttps?:\/\/[^\s"'<>)\]]+/gi, '<url>'],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '<email>'],
  // API keys, masked or not (sk-..., sk-ant-..., sk-proj-..., rk_..., Google's AIza...).
  [/\b(?:sk|rk|pk)[-_][A-Za-z0-9_*.-]{6,}/g, '<key>'],
  [/\bAIza[0-9A-Za-z_-]{10,}/g, '<key>'],
  // Account, organization, project, workspace and request identifiers (org-..., acct_..., proj_...).
  [/\b(?:org|organization|acct|account|proj|project|wrkspc|workspace|user|req|request)[-_](?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{6,}/gi, '<id>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  // Environment variable names (OPENAI_API_KEY, ANTHROPIC_BASE_URL, ...).
  [/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:API_KEY|KEY|TOKEN|SECRET|URL|ID|PASSWORD|ORG|ORGANIZATION|PROJECT|ENDPOINT|HOST|REGION)\b/g, '<setting>'],
];

/** A provider's message with identifiers, keys, e-mail addresses, URLs and setting names removed. */
export function sanitizeProviderMessage(message: string): string {
  let out = message;
  for (const [re, to] of REDACTIONS) out = out.replace(re, to);
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 400 ? `${out.slice(0, 399)}…` : out;
}

/**
 * A provider's error body, translated: tenants get our wording with the provider's HTTP status and
 * error type ("The provider rejected the request (OpenAI 400 invalid_request_error): …"); the
 * provider's own message reaches them only for errors of their own input, sanitized. The message as
 * the provider sent it stays in `upstream` (server log, request log for admins).
 */
export function providerError(
  upstreamStatus: number,
  kind: UpstreamErrorKind,
  detail: { type?: unknown; message: string },
  providerLabel: string,
): TranslatedError {
  const type = typeof detail.type === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(detail.type) ? detail.type : null;
  const head = `${OUR_WORDING[kind]} (${providerLabel} ${upstreamStatus}${type ? ` ${type}` : ''})`;
  const theirs = TENANT_INPUT_KINDS.has(kind) ? sanitizeProviderMessage(detail.message) : '';
  const sentence = theirs || OUR_SENTENCE[kind] || '';
  const oai = openAITypeFor(kind);
  let status = clientStatusFor(upstreamStatus, kind);
  if (kind === 'content_policy' && status < 400) status = 400;
  return {
    status,
    upstreamStatus,
    kind,
    retryable: isRetryableKind(kind),
    body: openAIError(sentence ? `${head}: ${sentence}` : `${head}.`, oai.type, oai.code),
    upstream: { provider: providerLabel, status: upstreamStatus, type, message: detail.message },
  };
}
