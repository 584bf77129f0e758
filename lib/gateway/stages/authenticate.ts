/**
 * Stage: who is calling. The API key (cached) -> tenant, limits, scopes; 401/403 otherwise.
 * A key that is not cached costs a database lookup, so failed authentications are limited per
 * client address: past `authFailuresPerMinute` unknown keys from one address are refused (429)
 * without a lookup. Known keys never wait on this.
 */
import { RateLimitedError } from '../../errors';
import { authenticate, requireScope, type KeyRecord, type LookupGuard } from '../auth';
import type { ApiKeyScope } from '../keys';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';

export async function authenticateStage(gw: GatewayServices, ctx: RequestContext, scope: ApiKeyScope): Promise<KeyRecord> {
  const key = await authenticate(gw.keys, ctx.req, ctx.start, failureGuard(gw, ctx));
  ctx.tenantId = key.tenantId;
  requireScope(key, scope);
  return key;
}

function failureGuard(gw: GatewayServices, ctx: RequestContext): LookupGuard | undefined {
  const ip = ctx.req.ip;
  const limit = gw.options.authFailuresPerMinute;
  if (!ip || limit <= 0) return undefined;
  const counter = `af:${ip}`;
  let windowIndex = -1;
  return {
    async admit() {
      // Reads the address's failures without counting this request (cost 0): admitted while
      // fewer than `limit` failed. Only a lookup that finds no key counts (failed() below), so
      // many concurrent first uses of one real key never trip it.
      const d = await gw.limiter.consume([{ key: counter, kind: 'tokens', limit: limit - 1, cost: 0 }], ctx.start);
      if (!d.allowed) {
        throw new RateLimitedError(`Too many requests with invalid API keys from your address. Retry after ${d.retryAfterSeconds}s.`, d.retryAfterSeconds);
      }
      windowIndex = d.windowIndex;
    },
    failed() {
      if (windowIndex >= 0) gw.limiter.adjust(counter, windowIndex, 1);
    },
  };
}
