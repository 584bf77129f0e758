/**
 * What the metering tests share: a usage event as the request path queues it (gpt-4.1-mini's
 * rates, 40% markup) and a metering writer on a test journal folder, flushed on demand.
 */
import crypto from 'node:crypto';
import type { Db } from '../../lib/db/client';
import { MeteringWriter, type PendingUsage } from '../../lib/gateway/metering/writer';
import { makeCost } from '../../lib/pricing/test-fixtures';

/** One usage event of `tenantId` (10 in, 5 out tokens unless `over` says otherwise). */
export function pendingUsage(tenantId: string, over: Partial<PendingUsage> = {}): PendingUsage {
  return {
    kind: 'usage',
    requestId: `req_test_${crypto.randomUUID()}`,
    tenantId,
    userId: null,
    apiKeyId: null,
    modelId: 'openai-gpt-4-1-mini',
    providerId: 'openai',
    requestedModel: 'gpt-4.1-mini',
    endpoint: 'chat.completions',
    usage: { inputTokens: 10, cachedInputTokens: 0, outputTokens: 5, requests: 1 },
    cost: makeCost({ inputPer1k: '0.0004', outputPer1k: '0.0016' }),
    markupPercent: '40',
    markupSource: 'default',
    free: false,
    tokensEstimated: false,
    cacheHit: false,
    latencyMs: 10,
    ttfbMs: 5,
    status: 'success',
    httpStatus: 200,
    errorCode: null,
    attemptCount: 1,
    fallbackFrom: null,
    metadata: {},
    createdAt: Date.now(),
    ...over,
  };
}

/** A writer flushing every 50 ms in batches of 50, journaling to `journalDir`. */
export function testWriter(db: () => Promise<Db>, journalDir: string, over: Partial<ConstructorParameters<typeof MeteringWriter>[0]> = {}): MeteringWriter {
  return new MeteringWriter({ db, flushMs: 50, batchSize: 50, maxQueued: 10_000, journalDir, instanceId: 'test', ...over });
}
