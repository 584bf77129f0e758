/** Stage: the tenant's request log (opt-in per tenant, kept for its retention period). */
import type { KeyRecord } from '../auth';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';
import type { TenantConfig } from '../state';

export function logRequest(
  gw: GatewayServices,
  ctx: RequestContext,
  key: KeyRecord,
  tenant: TenantConfig,
  model: string,
  requestBody: unknown,
  responseBody: unknown,
): void {
  if (!key.tenant.requestLoggingEnabled) return;
  gw.writer.enqueue({
    kind: 'log',
    tenantId: key.tenantId,
    requestId: ctx.requestId,
    apiKeyId: key.keyId,
    model,
    requestBody,
    responseBody,
    createdAt: ctx.start,
    expiresAt: ctx.start + tenant.requestLogRetentionDays * 86_400_000,
  });
}
