/** Billing test helpers: priced usage events straight into usage_events, random months. */
import crypto from 'node:crypto';
import { CATALOG_MODEL_BY_ID } from '../../lib/catalog';
import type { CatalogModel } from '../../lib/catalog/types';
import type { Db } from '../../lib/db/client';
import { usageEvents } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { priceUsage } from '../../lib/pricing/price';
import { toDbString } from '../../lib/pricing/money';
import type { UsageInput } from '../../lib/pricing/usage';

export interface EventSpec {
  tenantId: string;
  modelId: string;
  at: Date;
  usage: UsageInput;
  markupPercent: string;
  status?: 'success' | 'error';
  userId?: string | null;
}

export interface InsertedEvent extends EventSpec {
  requestId: string;
  cost: string;
  price: string;
}

export function model(id: string): CatalogModel {
  const m = CATALOG_MODEL_BY_ID.get(id);
  if (!m) throw new Error(`no catalog model ${id}`);
  return m;
}

export function priced(spec: EventSpec): InsertedEvent {
  const m = model(spec.modelId);
  const usage = spec.status === 'error' ? {} : spec.usage;
  const p = priceUsage({ cost: m.cost, usage, markupPercent: spec.markupPercent });
  return { ...spec, usage, requestId: `test-${crypto.randomUUID()}`, cost: toDbString(p.cost.total), price: toDbString(p.price) };
}

function row(e: InsertedEvent): typeof usageEvents.$inferInsert {
  const m = model(e.modelId);
  const u = e.usage;
  const audio = m.category === 'speech_to_text' || m.category === 'text_to_speech' || m.category === 'audio_generation';
  return {
    tenantId: e.tenantId,
    userId: e.userId ?? null,
    requestId: e.requestId,
    modelId: m.id,
    providerId: m.providerId,
    requestedModel: m.name,
    inputTokens: u.inputTokens ?? 0,
    cachedInputTokens: u.cachedInputTokens ?? 0,
    outputTokens: u.outputTokens ?? 0,
    imageCount: u.images ?? 0,
    videoSeconds: String(audio ? 0 : (u.seconds ?? 0)),
    audioMinutes: String(audio ? (u.minutes ?? 0) : 0),
    characters: u.characters ?? 0,
    requestCount: u.requests ?? 1,
    toolCalls: u.toolCalls ?? 0,
    cost: e.cost,
    markupPercent: e.markupPercent,
    markupSource: 'default',
    price: e.price,
    status: e.status ?? 'success',
    httpStatus: e.status === 'error' ? 502 : 200,
    latencyMs: 100,
    createdAt: e.at,
  };
}

export async function insertEvents(db: Db, specs: EventSpec[]): Promise<InsertedEvent[]> {
  const events = specs.map(priced);
  await withPlatform(async (tx) => {
    for (let i = 0; i < events.length; i += 500) await tx.insert(usageEvents).values(events.slice(i, i + 500).map(row));
  }, db);
  return events;
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Models a random month draws from: chat, reasoning, embeddings, free, images, video, speech,
 * TTS, per-request search and 3D. */
export const RANDOM_MONTH_MODELS = [
  'openai-gpt-4-1',
  'anthropic-claude-sonnet-4-5',
  'deepseek-chat',
  'google-gemini-2-flash-thinking-exp',
  'xai-grok-5-preview',
  'openai-text-embedding-3-small',
  'openai-dall-e-3',
  'runway-gen3-alpha-turbo',
  'openai-whisper-1',
  'openai-tts-1',
  'exa-search',
  'meshy-v3',
] as const;

export function randomUsage(m: CatalogModel, r: () => number, scale = 1): UsageInput {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  switch (m.cost.pricingType) {
    case 'per_image':
      return { images: int(1, 3), requests: 1 };
    case 'per_second':
      return { seconds: int(2, 10), requests: 1 };
    case 'per_minute':
      return { minutes: Number((int(1, 400) / 20).toFixed(2)), requests: 1 };
    case 'per_request':
      return { requests: 1 };
    case 'per_1k_characters':
      return { characters: int(50, 4000), requests: 1 };
    default: {
      const inputTokens = int(100, 8000) * scale;
      const cachedInputTokens = m.cost.cachedInputPer1k && r() < 0.3 ? Math.floor(inputTokens / 3) : 0;
      const outputTokens = m.category === 'embedding' ? 0 : int(20, 2000) * scale;
      return { inputTokens, cachedInputTokens, outputTokens, requests: 1 };
    }
  }
}

export function dayIn(period: string, r: () => number): Date {
  const [y, mo] = period.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return new Date(Date.UTC(y, mo - 1, 1) + Math.floor(r() * days * 86_400_000));
}
