/**
 * The process's structured logger: one pino instance (JSON lines on stdout), level from LOG_LEVEL
 * (default "info"; "silent" under vitest unless LOG_LEVEL is set).
 *
 * What never reaches a log line, whoever calls it:
 *   - prompts and completions (messages, input, content, choices, prompt, completion),
 *   - credentials (authorization, cookie, x-api-key, key, apiKey, api_key, token, ...),
 *   - passwords and secrets (password, passwordHash, secret, webhook URLs, SMTP URLs).
 * Two layers: pino `redact` paths (compiled, for those keys at depth 0-2, which is where request
 * objects put them) and a depth-limited key scrub in `formatters.log` for anything deeper.
 * Tenants who opt into request logging get their prompts kept in the request_logs TABLE
 * (lib/gateway/request-logs.ts), never in the process log.
 *
 * Fields every request line carries (docs/operations.md): requestId, tenantId, route, status,
 * latencyMs, and for gateway calls model and provider.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export const REDACTED = '[REDACTED]';

/** Keys whose VALUES are never logged (compared case-insensitively, '-' and '_' ignored). */
export const SENSITIVE_KEYS = [
  // prompts and completions
  'messages',
  'input',
  'content',
  'choices',
  'prompt',
  'completion',
  'contents',
  // credentials
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'key',
  'apiKey',
  'api_key',
  'keyHash',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'sessionToken',
  'bearer',
  // passwords and secrets
  'password',
  'passwordHash',
  'newPassword',
  'currentPassword',
  'secret',
  'clientSecret',
  'mfaSecret',
  'recoveryCodes',
  'privateKey',
  'webhookUrl',
  'slackWebhookUrl',
  'slack_webhook_url',
  'smtpUrl',
  'databaseUrl',
] as const;

const normalise = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
const SENSITIVE = new Set(SENSITIVE_KEYS.map(normalise));

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE.has(normalise(key));
}

function pathFor(key: string, prefix: string): string {
  const seg = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  if (!prefix) return seg;
  return seg.startsWith('[') ? `${prefix}${seg}` : `${prefix}.${seg}`;
}

/** pino redact paths: each sensitive key at the top level and one or two levels down. */
export const REDACT_PATHS: string[] = SENSITIVE_KEYS.flatMap((k) => [pathFor(k, ''), pathFor(k, '*'), pathFor(k, '*.*')]);

const SCRUB_MAX_DEPTH = 8;

/** Copy of `value` with sensitive keys censored at any depth (bounded). Leaves non-plain objects
 * (Errors, Dates, Buffers) to pino's serializers. */
export function scrub(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= SCRUB_MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSensitiveKey(k) && v !== undefined && v !== null ? REDACTED : scrub(v, depth + 1);
  }
  return out;
}

function hasNested(obj: Record<string, unknown>): boolean {
  for (const v of Object.values(obj)) if (v !== null && typeof v === 'object') return true;
  return false;
}

export function defaultLevel(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LOG_LEVEL) return env.LOG_LEVEL;
  return env.VITEST ? 'silent' : 'info';
}

/** The shared configuration (exported for tests, which log into a memory stream). */
export function loggerOptions(overrides: LoggerOptions = {}): LoggerOptions {
  return {
    name: 'radiant',
    level: defaultLevel(),
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: {
      level: (label) => ({ level: label }),
      // Flat objects (the access log) skip the walk: redact paths already cover their keys.
      log: (obj) => (hasNested(obj) ? (scrub(obj) as Record<string, unknown>) : obj),
    },
    ...overrides,
  };
}

export function createLogger(overrides: LoggerOptions = {}, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(overrides), destination) : pino(loggerOptions(overrides));
}

const GLOBAL_KEY = Symbol.for('radiant.logger');
type G = typeof globalThis & { [GLOBAL_KEY]?: Logger };

/** The process's logger (one per process: Next's bundle and the custom server share it). */
export function getLogger(): Logger {
  const g = globalThis as G;
  g[GLOBAL_KEY] ??= createLogger();
  return g[GLOBAL_KEY];
}

/** Tests may install a logger writing to a memory stream (null = back to stdout). */
export function setLogger(l: Logger | null): void {
  const g = globalThis as G;
  if (l) g[GLOBAL_KEY] = l;
  else delete g[GLOBAL_KEY];
}

/** Lazily bound so `import { logger }` works before setLogger() in tests. */
export const logger: Logger = new Proxy({} as Logger, {
  get(_t, prop) {
    const l = getLogger();
    const v = (l as unknown as Record<PropertyKey, unknown>)[prop];
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(l) : v;
  },
});

export interface RequestLogContext {
  requestId: string;
  tenantId?: string | null;
  route: string;
}

/** A child logger whose every line carries the request id, tenant and route. */
export function requestLogger(ctx: RequestLogContext): Logger {
  return getLogger().child({ requestId: ctx.requestId, tenantId: ctx.tenantId ?? null, route: ctx.route });
}

export interface AccessLogEntry {
  requestId: string;
  tenantId?: string | null;
  route: string;
  method?: string;
  status: number;
  latencyMs: number;
  model?: string | null;
  provider?: string | null;
  /** Extra, non-sensitive fields (e.g. cacheHit, attempts, errorCode). */
  extra?: Record<string, string | number | boolean | null>;
}

/** One access-log line per request: info below 500, warn for 5xx. */
export function logRequest(e: AccessLogEntry): void {
  const l = getLogger();
  const line: Record<string, unknown> = {
    requestId: e.requestId,
    tenantId: e.tenantId ?? null,
    route: e.route,
    status: e.status,
    latencyMs: Math.round(e.latencyMs * 100) / 100,
  };
  if (e.method) line.method = e.method;
  if (e.model) line.model = e.model;
  if (e.provider) line.provider = e.provider;
  if (e.extra) for (const [k, v] of Object.entries(e.extra)) if (!(k in line)) line[k] = v;
  if (e.status >= 500) l.warn(line, 'request');
  else l.info(line, 'request');
}
