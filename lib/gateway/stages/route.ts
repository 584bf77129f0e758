/** Stage: which model serves the request and what to try if it fails (lib/gateway/router.ts). */
import type { KeyRecord } from '../auth';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';
import { planRoute, type Endpoint, type RoutePlan } from '../router';
import type { CatalogSnapshot, TenantConfig } from '../state';

export interface RouteStageInput {
  endpoint: Endpoint;
  key: KeyRecord;
  snap: CatalogSnapshot;
  tenant: TenantConfig;
  /** The request body as validated (its `model`, and what it implies for "auto"). */
  body: Record<string, unknown>;
  promptTokens: number;
}

export function routeStage(gw: GatewayServices, ctx: RequestContext, i: RouteStageInput): RoutePlan {
  return planRoute({
    endpoint: i.endpoint,
    requested: String(i.body.model),
    body: i.body,
    tenant: i.tenant,
    tenantId: i.key.tenantId,
    snap: i.snap,
    header: (n) => ctx.req.header(n),
    promptTokens: i.promptTokens,
    available: (m) => gw.available(m, i.snap),
    thermal: (id) => gw.thermal.state(id),
    now: ctx.start,
  });
}

/** Catalog snapshot and the tenant's configuration, loaded together (both cached). */
export async function loadTenantView(gw: GatewayServices, key: KeyRecord): Promise<{ snap: CatalogSnapshot; tenant: TenantConfig }> {
  const [snap, tenant] = await Promise.all([gw.snapshot(), gw.tenantConfig(key.tenantId)]);
  return { snap, tenant };
}
