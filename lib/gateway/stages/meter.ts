/**
 * Stage: settle and meter. One usage event per request (built by `buildUsageEvent`, the only
 * place a usage event is shaped), queued to the batched writer off the response path; the budget
 * reservation settles on the event's real price and the token limits on the real usage. Content
 * refusals along the way are recorded too.
 */
import type { UsageInput } from '../../pricing/usage';
import type { KeyRecord } from '../auth';
import { toNano } from '../limits/budget';
import { priceOf, type PendingUsage, type UsageStatus } from '../metering/writer';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';
import type { CatalogSnapshot, GatewayModel, TenantConfig } from '../state';
import type { Admission } from './admit';
import type { Trace } from './upstream';

export interface UsageEventInput {
  key: KeyRecord;
  tenant: TenantConfig;
  snap: CatalogSnapshot;
  model: GatewayModel;
  /** What the client asked for (`model` as sent). */
  requested: string | null;
  /** usage_events.endpoint, e.g. "chat.completions", "embeddings", "images.generations". */
  endpoint: string;
  usage: UsageInput;
  /** Cache hits and requests that got no answer cost nothing. */
  free: boolean;
  tokensEstimated?: boolean;
  cacheHit?: boolean;
  ttfbMs: number | null;
  status: UsageStatus;
  httpStatus: number;
  errorCode: string | null;
  attemptCount: number;
  fallbackFrom: string | null;
  metadata?: Record<string, unknown>;
}

/** The usage event of a request, with the rates and the markup in force when it arrived. */
export function buildUsageEvent(ctx: RequestContext, i: UsageEventInput): PendingUsage {
  const m = i.tenant.markupFor(i.model, i.snap, ctx.start);
  return {
    kind: 'usage',
    requestId: ctx.requestId,
    tenantId: i.key.tenantId,
    userId: i.key.userId,
    apiKeyId: i.key.keyId,
    modelId: i.model.id,
    providerId: i.model.providerId,
    requestedModel: i.requested,
    endpoint: i.endpoint,
    usage: i.usage,
    cost: i.model.cost,
    markupPercent: m.markupPercent.toFixed(),
    markupSource: m.source,
    free: i.free,
    tokensEstimated: i.tokensEstimated ?? false,
    cacheHit: i.cacheHit ?? false,
    latencyMs: Date.now() - ctx.start,
    ttfbMs: i.ttfbMs,
    status: i.status,
    httpStatus: i.httpStatus,
    errorCode: i.errorCode,
    attemptCount: i.attemptCount,
    fallbackFrom: i.fallbackFrom,
    metadata: i.metadata ?? {},
    createdAt: ctx.start,
  };
}

/** Queues the event and settles the request's budget reservation on its real price. */
export function meter(gw: GatewayServices, event: PendingUsage, admission: Admission | null): void {
  gw.writer.enqueue(event);
  admission?.settleSpend(toNano(priceOf(event).price));
}

/** Records the content-policy refusals met on the way (and whether a fallback then answered). */
export function meterRefusals(gw: GatewayServices, ctx: RequestContext, key: KeyRecord, trace: Trace, status: UsageStatus): void {
  for (const r of trace.refusals) {
    const fellBack = trace.model.id !== r.model.id;
    gw.writer.enqueue({
      kind: 'rejection',
      tenantId: key.tenantId,
      requestId: ctx.requestId,
      apiKeyId: key.keyId,
      modelId: r.model.id,
      providerId: r.model.providerId,
      errorCode: r.code,
      message: r.message,
      fallbackModelId: fellBack ? trace.model.id : null,
      fallbackSucceeded: fellBack ? status === 'success' : null,
      createdAt: ctx.start,
    });
  }
}
