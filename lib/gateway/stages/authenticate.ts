/** Stage: who is calling. The API key (cached) -> tenant, limits, scopes; 401/403 otherwise. */
import { authenticate, requireScope, type KeyRecord } from '../auth';
import type { ApiKeyScope } from '../keys';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';

export async function authenticateStage(gw: GatewayServices, ctx: RequestContext, scope: ApiKeyScope): Promise<KeyRecord> {
  const key = await authenticate(gw.keys, ctx.req, ctx.start);
  ctx.tenantId = key.tenantId;
  requireScope(key, scope);
  return key;
}
