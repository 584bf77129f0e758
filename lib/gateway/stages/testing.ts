/**
 * Test helpers for the stage modules: a real Gateway as the GatewayServices (no database: stages
 * under test get the catalog snapshot and tenant configuration passed in), a catalog snapshot
 * built from the seed catalog, a tenant configuration and a request context over a recording sink.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CATALOG_MODELS, CATALOG_PROVIDERS } from '../../catalog';
import { createGateway, type Gateway, type GatewayOptions } from '../index';
import type { KeyRecord } from '../auth';
import type { BudgetScope } from '../limits/budget';
import type { GatewayRequest, ResponseSink } from '../http/types';
import { newContext, type RequestContext } from '../pipeline/context';
import { CatalogSnapshot, TenantConfig, toGatewayProvider, type GatewayModel, type GatewayRule } from '../state';

/** A gateway for stage tests. It has no database: the month's spend so far, which budget
 * reservations start from, is none unless the test passes `spentSoFar` (see spentSoFar()). */
export function testGateway(options: GatewayOptions = {}): Gateway {
  return createGateway({
    env: { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k', GOOGLE_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    db: () => Promise.reject(new Error('unit tests of stages have no database')),
    redisUrl: null,
    retryBaseMs: 1,
    maxBackoffMs: 5,
    maxRetries: 2,
    meteringJournalDir: fs.mkdtempSync(path.join(os.tmpdir(), 'radiant-stage-journal-')),
    spentSoFar: spentSoFar({}),
    ...options,
  });
}

/** A spent-so-far loader for testGateway: nano-dollars already spent this month by budget scope
 * id (`t:<tenantId>` or `k:<keyId>`), 0 for any scope not named. */
export function spentSoFar(byScope: Record<string, bigint>): (scope: BudgetScope) => Promise<bigint> {
  return (scope) => Promise.resolve(byScope[scope.id] ?? 0n);
}

export function testSnapshot(rules: GatewayRule[] = []): CatalogSnapshot {
  const models: GatewayModel[] = CATALOG_MODELS.map((m) => ({ ...m, thermalState: null, thermalUpdatedAt: null }));
  const providers = new Map(CATALOG_PROVIDERS.map((p) => [p.id, toGatewayProvider({ ...p, encryptedApiKey: null, compliance: [...p.compliance] })]));
  return new CatalogSnapshot(1, models, providers, [], rules);
}

export function testTenant(tenantId = '00000000-0000-4000-8000-000000000001'): TenantConfig {
  return new TenantConfig(tenantId, new Map(), [], false, 30);
}

export function testKey(over: Partial<KeyRecord> = {}, tenant: Partial<KeyRecord['tenant']> = {}): KeyRecord {
  const tenantId = over.tenantId ?? '00000000-0000-4000-8000-000000000001';
  return {
    keyId: '00000000-0000-4000-8000-0000000000aa',
    hash: 'test-hash',
    name: 'test key',
    tenantId,
    userId: null,
    scopes: new Set(['chat', 'embeddings', 'models']),
    status: 'active',
    expiresAt: null,
    rpm: null,
    tpm: null,
    monthlyBudget: null,
    ...over,
    tenant: {
      id: tenantId,
      status: 'active',
      tier: 3,
      deleted: false,
      monthlyBudget: null,
      responseCacheEnabled: false,
      requestLoggingEnabled: false,
      settings: {},
      ...tenant,
    },
  };
}

/** A sink that keeps what was sent. */
export interface RecordedSink extends ResponseSink {
  sentStatus: number;
  sentHeaders: Record<string, string>;
  body: string;
}

export function recordingSink(): RecordedSink {
  const s: RecordedSink = {
    sentStatus: 0,
    sentHeaders: {},
    body: '',
    headersSent: false,
    get statusCode() {
      return s.sentStatus;
    },
    closed: false,
    start(status, headers) {
      s.sentStatus = status;
      s.sentHeaders = headers;
      (s as { headersSent: boolean }).headersSent = true;
    },
    write(chunk) {
      s.body += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    },
    drain: () => Promise.resolve(),
    end(chunk) {
      if (chunk !== undefined) s.write(chunk);
    },
  };
  return s;
}

export function testRequest(method: string, path: string, body = '', headers: Record<string, string> = {}): GatewayRequest {
  const ac = new AbortController();
  return {
    method,
    path,
    header: (n) => headers[n],
    readBody: () => Promise.resolve(Buffer.from(body)),
    bodyStream: () => {
      throw new Error('not used');
    },
    signal: ac.signal,
    ip: '127.0.0.1',
  };
}

export function testContext(req = testRequest('POST', '/api/v1/chat/completions')): RequestContext & { sink: RecordedSink } {
  return newContext(req, recordingSink(), '/api/v1/chat/completions') as RequestContext & { sink: RecordedSink };
}
