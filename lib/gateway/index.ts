/**
 * The gateway's public surface. One Gateway per process (`getGateway()`), shared by the Node fast
 * path (lib/server/fast-path.ts) and the Next route handlers under app/api/v1, which call
 * `handleGatewayRequest`. Tests and the benchmark create their own with `createGateway(options)`.
 */
import { Gateway } from './gateway';
import { newRequestId } from './pipeline/context';
import type { GatewayOptions } from './config';

export { Gateway, newRequestId };

export type { GatewayOptions } from './config';
export { invalidateApiKey, invalidateTenant } from './invalidation';
export { purgeExpiredRequestLogs } from './request-logs';

const GLOBAL_KEY = Symbol.for('radiant.gateway');
type G = typeof globalThis & { [GLOBAL_KEY]?: Gateway };

export function createGateway(options: GatewayOptions = {}): Gateway {
  return new Gateway(options);
}

/** The process's gateway (created on first use from the environment). */
export function getGateway(): Gateway {
  const g = globalThis as G;
  return (g[GLOBAL_KEY] ??= new Gateway());
}

/** Tests install their own gateway as the process's (null removes it). */
export function setGateway(gw: Gateway | null): void {
  const g = globalThis as G;
  if (gw) g[GLOBAL_KEY] = gw;
  else delete g[GLOBAL_KEY];
}

export function peekGateway(): Gateway | undefined {
  return (globalThis as G)[GLOBAL_KEY];
}

/** The Next route handlers' one call: every /api/v1 route goes through the same core. */
export async function handleGatewayRequest(request: Request): Promise<Response> {
  const gw = getGateway();
  try {
    await gw.ready();
  } catch {
    const requestId = newRequestId();
    return Response.json(
      {
        error: {
          message: `The gateway is starting or cannot reach its database; retry shortly (request id ${requestId}).`,
          type: 'api_error',
          code: 'service_unavailable',
          param: null,
        },
      },
      { status: 503, headers: { 'x-request-id': requestId, 'retry-after': '1' } },
    );
  }
  return gw.handleWebRequest(request);
}
