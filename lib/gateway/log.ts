/**
 * The gateway logs through the process's structured logger (lib/observability/logger: pino, JSON
 * lines, redaction of prompts, completions and credentials), and is never given prompts,
 * completions, API keys or provider credentials in the first place.
 *
 * The per-request access line (same fields and format as observability's logRequest) goes
 * through a child logger without pino's path-based redaction: that redaction costs ~150 us per
 * line (wildcard paths), a third of the gateway's whole CPU budget per request, and the access
 * line is built here from a fixed set of non-sensitive fields (ids, route, status, latency,
 * model, provider). The logger's key scrub (formatters.log) still applies to anything nested.
 */
import type { Logger } from 'pino';
import { getLogger, logger } from '../observability/logger';

export const gatewayLog = logger;

let base: Logger | null = null;
let access: Logger | null = null;

function accessLogger(): Logger {
  const l = getLogger();
  if (l !== base || !access) {
    base = l;
    access = l.child({}, { redact: [] as string[] });
  }
  return access;
}

export interface GatewayAccessLine {
  requestId: string;
  tenantId: string | null;
  route: string;
  method: string;
  status: number;
  latencyMs: number;
  model: string | null;
  provider: string | null;
}

/** One access-log line per gateway request: info below 500, warn for 5xx. */
export function logGatewayRequest(e: GatewayAccessLine): void {
  const l = accessLogger();
  const level = e.status >= 500 ? 'warn' : 'info';
  if (!l.isLevelEnabled(level)) return;
  const line = {
    requestId: e.requestId,
    tenantId: e.tenantId,
    route: e.route,
    status: e.status,
    latencyMs: Math.round(e.latencyMs * 100) / 100,
    method: e.method,
    ...(e.model ? { model: e.model } : {}),
    ...(e.provider ? { provider: e.provider } : {}),
  };
  if (level === 'warn') l.warn(line, 'request');
  else l.info(line, 'request');
}
