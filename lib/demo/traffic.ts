/**
 * The demo world's usage history, produced through the gateway's own metering path: each event is
 * shaped by `buildUsageEvent` (lib/gateway/stages/meter.ts) from the gateway's catalog snapshot,
 * the tenant's configuration and the key record, exactly as a request to that endpoint would be,
 * then priced and materialised by `toLine` and written by `writeRows` (lib/gateway/metering/rows.ts),
 * the writer's own batch insert. So every demo row is one the gateway could have written: the
 * endpoint names, units and metadata of chat, embeddings, images (n = 1 for dall-e-3), speech
 * (characters), transcription (audio minutes from the file's duration) and search (one request),
 * a failed call free, and the markup in force at the event's time.
 *
 * What the demo chooses rather than measures: the arrival time and the latencies (the builder
 * times a live request; these requests never ran), and the request ids ("demo-" + a UUID).
 */
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { apiKeys } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { loadKeyRecord, type KeyRecord } from '../gateway/auth';
import type { GatewayRequest, ResponseSink } from '../gateway/http/types';
import { toLine, writeRows, type PendingUsage, type RowLine } from '../gateway/metering/rows';
import type { RequestContext } from '../gateway/pipeline/context';
import { buildUsageEvent } from '../gateway/stages/meter';
import { loadCatalogSnapshot, loadTenantConfig, type CatalogSnapshot, type GatewayModel, type TenantConfig } from '../gateway/state';
import type { UsageInput } from '../pricing/usage';

/** Models the demo traffic uses, by client name; missing or estimated-cost ones are skipped. */
export const DEMO_TRAFFIC_MODELS = [
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-5-mini',
  'claude-sonnet-4.5',
  'claude-haiku-4.5',
  'gemini-2.5-flash',
  'gemini-2.5-pro',
  'deepseek-chat',
  'mistral-large',
  'text-embedding-3-small',
  'dall-e-3',
  'llama-3.3-70b-instruct',
  'tts-1',
  'whisper-1',
  'exa-search',
];

/** What one demo request did, before the gateway's builder shapes its event. */
interface DemoCall {
  endpoint: string;
  usage: UsageInput;
  metadata: Record<string, unknown>;
}

const VOICES = ['alloy', 'nova', 'onyx', 'shimmer'];

/** The call a request to `model` makes, in the units and metadata its endpoint meters. */
function callFor(model: GatewayModel, random: () => number): DemoCall {
  switch (model.category) {
    case 'image_generation':
      // dall-e-3 makes one image per request (OpenAI refuses n > 1 for it).
      return {
        endpoint: 'images.generations',
        usage: { images: 1, requests: 1 },
        metadata: { n: 1, size: random() < 0.7 ? '1024x1024' : '1792x1024', quality: 'standard', responseFormat: 'url' },
      };
    case 'text_to_speech': {
      const characters = 80 + Math.floor(random() * 2400);
      return {
        endpoint: 'audio.speech',
        usage: { characters, requests: 1 },
        metadata: { voice: VOICES[Math.floor(random() * VOICES.length)], responseFormat: 'mp3', audioBytes: characters * 1100 },
      };
    }
    case 'speech_to_text': {
      // The duration the upload's header gives, to the millisecond (never a rounded-up guess).
      const seconds = (15_000 + Math.floor(random() * 585_000)) / 1000;
      return {
        endpoint: 'audio.transcriptions',
        usage: { minutes: seconds / 60, seconds, requests: 1 },
        metadata: {
          audioSeconds: seconds,
          durationSource: 'header',
          providerDurationSeconds: seconds,
          fileBytes: Math.round(seconds * 16_000),
          responseFormat: 'json',
        },
      };
    }
    case 'search':
      return {
        endpoint: 'search',
        usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, requests: 1 },
        metadata: { results: 3 + Math.floor(random() * 8) },
      };
    case 'embedding':
      return {
        endpoint: 'embeddings',
        usage: { inputTokens: 200 + Math.floor(random() * 3000), cachedInputTokens: 0, outputTokens: 0, requests: 1 },
        metadata: {},
      };
    default: {
      const inputTokens = 300 + Math.floor(random() * 6000);
      const cachedInputTokens = model.cost.cachedInputPer1k && random() < 0.3 ? Math.floor(inputTokens * 0.5) : 0;
      return {
        endpoint: 'chat.completions',
        usage: { inputTokens, cachedInputTokens, outputTokens: 50 + Math.floor(random() * 1200), requests: 1 },
        metadata: {},
      };
    }
  }
}

/** The usage a failed call leaves: nothing produced (the event is free). */
function failedUsage(call: DemoCall): UsageInput {
  if (call.endpoint === 'images.generations') return { images: 0, requests: 1 };
  if (call.endpoint === 'audio.speech') return { characters: 0, requests: 1 };
  if (call.endpoint === 'audio.transcriptions') return { requests: 1 };
  return { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, requests: 1 };
}

// The demo's requests never came over HTTP: the builder reads only the context's id and arrival
// time, so the request and sink behind it are inert.
const OFFLINE_REQUEST: GatewayRequest = {
  method: 'POST',
  path: '/api/v1/demo',
  header: () => undefined,
  readBody: () => Promise.resolve(Buffer.alloc(0)),
  bodyStream: () => Readable.from([]),
  signal: new AbortController().signal,
  ip: undefined,
};
const OFFLINE_SINK: ResponseSink = {
  headersSent: true,
  statusCode: 200,
  closed: true,
  start: () => {},
  write: () => true,
  drain: () => Promise.resolve(),
  end: () => {},
};
function demoContext(start: number, tenantId: string): RequestContext {
  const requestId = `demo-${crypto.randomUUID()}`;
  return { requestId, start, req: OFFLINE_REQUEST, sink: OFFLINE_SINK, headers: {}, route: '/api/v1/demo', tenantId, model: null, provider: null };
}

export interface DemoTrafficOptions {
  now: Date;
  days: number;
  /** Tenant slug -> id. */
  tenantIds: Record<string, string>;
  random: () => number;
}

/** Writes the demo tenants' usage history through the gateway's metering path; returns the count. */
export async function meterDemoTraffic(db: Db, o: DemoTrafficOptions): Promise<number> {
  const snap = await loadCatalogSnapshot(db, 0);
  const models = DEMO_TRAFFIC_MODELS.map((n) => snap.find(n)).filter((m): m is GatewayModel => !!m && !m.costIsEstimated);
  const scale: Record<string, number> = { acme: 40, globex: 18 };
  let written = 0;
  for (const [slug, tenantId] of Object.entries(o.tenantIds)) {
    const key = await demoKey(db, tenantId);
    if (!key) continue;
    const tenant = await loadTenantConfig(db, tenantId);
    // Oldest first: the tenant's markup memo moves forward in time, as it does in the gateway.
    const calls = plannedCalls(o, scale[slug] ?? 10, models).sort((a, b) => a.at - b.at);
    const lines: RowLine[] = calls.map((c) => toLine(demoEvent(snap, tenant, key, c, o.random)));
    for (let i = 0; i < lines.length; i += 500) {
      const { orphans } = await writeRows(db, lines.slice(i, i + 500));
      if (orphans.length) throw new Error(`demo usage refused by the metering writer: ${orphans[0]!.reason}`);
    }
    written += lines.length;
  }
  return written;
}

interface PlannedCall {
  at: number;
  model: GatewayModel;
  failed: boolean;
  call: DemoCall;
}

function plannedCalls(o: DemoTrafficOptions, perDayScale: number, models: GatewayModel[]): PlannedCall[] {
  const out: PlannedCall[] = [];
  const now = o.now.getTime();
  for (let d = o.days; d >= 0; d--) {
    const weekday = new Date(now - d * 86_400_000).getUTCDay();
    const perDay = Math.round(perDayScale * (weekday === 0 || weekday === 6 ? 0.4 : 1) * (0.7 + o.random() * 0.6));
    for (let i = 0; i < perDay; i++) {
      const model = models[Math.floor(o.random() * models.length)];
      if (!model) continue;
      const at = now - d * 86_400_000 - Math.floor(o.random() * 86_400_000);
      if (at > now) continue;
      const failed = o.random() < 0.02;
      out.push({ at, model, failed, call: callFor(model, o.random) });
    }
  }
  return out;
}

function demoEvent(snap: CatalogSnapshot, tenant: TenantConfig, key: KeyRecord, c: PlannedCall, random: () => number): PendingUsage {
  const ctx = demoContext(c.at, key.tenantId);
  const ttfbMs = c.failed ? null : 150 + Math.floor(random() * 900);
  const event = buildUsageEvent(ctx, {
    key,
    tenant,
    snap,
    model: c.model,
    requested: c.model.name,
    endpoint: c.call.endpoint,
    usage: c.failed ? failedUsage(c.call) : c.call.usage,
    free: c.failed,
    ttfbMs,
    status: c.failed ? 'error' : 'success',
    httpStatus: c.failed ? 502 : 200,
    errorCode: c.failed ? 'upstream_error' : null,
    attemptCount: 1,
    fallbackFrom: null,
    metadata: c.call.metadata,
  });
  // The builder times a live request (now - arrival); a demo request gets a plausible latency.
  event.latencyMs = (ttfbMs ?? 0) + 200 + Math.floor(random() * 2400);
  return event;
}

/** The tenant's demo key ("Production"), as the gateway's key cache would load it. */
async function demoKey(db: Db, tenantId: string): Promise<KeyRecord | null> {
  const [row] = await withPlatform(
    (tx) =>
      tx
        .select({ hash: apiKeys.keyHash })
        .from(apiKeys)
        .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.name, 'Production')))
        .orderBy(asc(apiKeys.createdAt))
        .limit(1),
    db,
  );
  return row ? loadKeyRecord(db, row.hash) : null;
}
