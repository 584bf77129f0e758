/**
 * /api/metrics: Prometheus text that parses line by line, counters that move with traffic,
 * business figures read from the database (so they survive a restart), the bearer token.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET } from '../../app/api/metrics/route';
import type { Db } from '../../lib/db/client';
import { usageEvents } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { enableBusinessMetrics, loadBusinessFigures } from '../../lib/observability/business-metrics';
import { instrumentRoute } from '../../lib/observability/http';
import {
  observeMeteringQueue,
  recordBudgetRejection,
  recordGatewayRequest,
  recordMeteringFlush,
  recordRateLimited,
  recordUpstream,
  recordUsageEventWriteFailure,
  renderMetrics,
} from '../../lib/observability/metrics';
import { dec } from '../../lib/pricing/money';
import { testDb } from '../support/db';
import { anyChatModel, createTenant } from '../support/factories';

const TOKEN = `metrics-${crypto.randomBytes(8).toString('hex')}`;
const saved = process.env.METRICS_TOKEN;
let db: Db;

// ---- a small Prometheus text parser -------------------------------------------------------------

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/;
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  LABEL_RE.lastIndex = 0;
  let pos = 0;
  while (pos < s.length) {
    LABEL_RE.lastIndex = pos;
    const m = LABEL_RE.exec(s);
    if (!m) throw new Error(`bad label set: {${s}} at ${pos}`);
    out[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    pos = LABEL_RE.lastIndex;
  }
  return out;
}

function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const t = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (t) types.set(t[1]!, t[2]!);
      else if (!/^# HELP \S+ /.test(line)) throw new Error(`bad comment line: ${line}`);
      continue;
    }
    const m = SAMPLE_RE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    // Prometheus parses values with Go's ParseFloat: NaN and [+-]Inf in any case (prom-client
    // writes "Nan").
    const raw = m[3]!;
    const special = /^nan$/i.test(raw) ? NaN : /^\+?inf$/i.test(raw) ? Infinity : /^-inf$/i.test(raw) ? -Infinity : undefined;
    const value = special ?? Number(raw);
    if (special === undefined && (Number.isNaN(value) || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw))) throw new Error(`bad value in: ${line}`);
    samples.push({ name: m[1]!, labels: m[2] ? parseLabels(m[2]) : {}, value });
  }
  return { samples, types };
}

function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const { samples } = parsePrometheus(text);
  const s = samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s?.value ?? 0;
}

async function scrape(token: string | null = TOKEN): Promise<Response> {
  return GET(new Request('http://localhost/api/metrics', { headers: token ? { authorization: `Bearer ${token}` } : {} }));
}

beforeAll(async () => {
  db = (await testDb()).db;
  process.env.METRICS_TOKEN = TOKEN;
});

afterAll(() => {
  if (saved === undefined) delete process.env.METRICS_TOKEN;
  else process.env.METRICS_TOKEN = saved;
});

describe('GET /api/metrics', () => {
  it('refuses without the token or with a wrong one; says how to enable it when unset', async () => {
    expect((await scrape(null)).status).toBe(401);
    const wrong = await scrape('nope');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
    const basic = await GET(
      new Request('http://localhost/api/metrics', { headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } }),
    );
    expect(basic.status).toBe(401);
    delete process.env.METRICS_TOKEN;
    try {
      const off = await scrape();
      expect(off.status).toBe(503);
      expect(await off.text()).toMatch(/METRICS_TOKEN/);
    } finally {
      process.env.METRICS_TOKEN = TOKEN;
    }
  });

  it('answers Prometheus text in which every line parses, with the documented series', async () => {
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const { samples, types } = parsePrometheus(text);
    expect(samples.length).toBeGreaterThan(20);
    for (const [name, type] of [
      ['radiant_http_requests_total', 'counter'],
      ['radiant_http_request_duration_seconds', 'histogram'],
      ['radiant_upstream_requests_total', 'counter'],
      ['radiant_upstream_duration_seconds', 'histogram'],
      ['radiant_rate_limited_total', 'counter'],
      ['radiant_budget_rejections_total', 'counter'],
      ['radiant_metering_queue_depth', 'gauge'],
      ['radiant_metering_flush_duration_seconds', 'histogram'],
      ['radiant_usage_event_write_failures_total', 'counter'],
      ['radiant_revenue_month_to_date', 'gauge'],
      ['radiant_cost_month_to_date', 'gauge'],
      ['radiant_requests_month_to_date', 'gauge'],
      ['radiant_business_metrics_up', 'gauge'],
      ['process_cpu_seconds_total', 'counter'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
    ] as const) {
      expect(types.get(name), name).toBe(type);
    }
    expect(value(text, 'radiant_business_metrics_up')).toBe(1);
  });

  it('counters move when traffic is recorded; unknown models and providers become "other"', async () => {
    const labels = { route: '/api/v1/chat/completions', model: 'gpt-4o', provider: 'openai', status: '200' };
    const before = await (await scrape()).text();
    for (let i = 0; i < 3; i++) recordGatewayRequest({ route: labels.route, model: 'gpt-4o', provider: 'openai', status: 200 }, 0.042);
    recordGatewayRequest({ route: labels.route, model: 'my-secret-finetune-123', provider: 'mystery', status: 429 }, 0.001);
    recordUpstream({ provider: 'openai', model: 'gpt-4o', outcome: 'error' }, 0.5);
    recordUpstream({ provider: 'openai', model: 'gpt-4o', outcome: 'success' }, 0.25);
    recordRateLimited('key');
    recordBudgetRejection('tenant');
    recordUsageEventWriteFailure(2);
    recordMeteringFlush(0.012);
    const unregister = observeMeteringQueue(() => 7);
    const after = await (await scrape()).text();
    unregister();

    const d = (name: string, l: Record<string, string> = {}) => value(after, name, l) - value(before, name, l);
    expect(d('radiant_http_requests_total', labels)).toBe(3);
    expect(d('radiant_http_requests_total', { ...labels, model: 'other', provider: 'other', status: '429' })).toBe(1);
    expect(after).not.toContain('my-secret-finetune-123');
    expect(d('radiant_http_request_duration_seconds_count', { route: labels.route, model: 'gpt-4o', provider: 'openai' })).toBe(3);
    expect(d('radiant_http_request_duration_seconds_bucket', { route: labels.route, model: 'gpt-4o', provider: 'openai', le: '0.05' })).toBe(3);
    expect(d('radiant_upstream_requests_total', { provider: 'openai', model: 'gpt-4o', outcome: 'error' })).toBe(1);
    expect(d('radiant_upstream_duration_seconds_count', { provider: 'openai' })).toBe(2);
    expect(d('radiant_rate_limited_total', { scope: 'key' })).toBe(1);
    expect(d('radiant_budget_rejections_total', { scope: 'tenant' })).toBe(1);
    expect(d('radiant_usage_event_write_failures_total')).toBe(2);
    expect(d('radiant_metering_flush_duration_seconds_count')).toBe(1);
    expect(value(after, 'radiant_metering_queue_depth')).toBe(7);
  });

  it('instrumentRoute records the route template and sets x-request-id', async () => {
    const handler = instrumentRoute('/api/admin/things/[id]', async () => new Response('{}', { status: 404 }));
    const before = await renderMetrics();
    const res = await handler(new Request('http://localhost/api/admin/things/123'), {});
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const after = await renderMetrics();
    const l = { route: '/api/admin/things/[id]', model: 'none', provider: 'none', status: '404' };
    expect(value(after, 'radiant_http_requests_total', l) - value(before, 'radiant_http_requests_total', l)).toBe(1);
  });
});

describe('business figures come from the database', () => {
  it('reports revenue, cost and requests month to date, and keeps them across a restart', async () => {
    enableBusinessMetrics({ cacheMs: 0 });
    // A currency no other test uses (ISO 4217 "XTS" is reserved for testing): exact figures.
    const tenant = await createTenant(db, { currency: 'XTS' });
    const model = await anyChatModel(db);
    const prices = ['0.000123456789', '1.5', '0.25'];
    const costs = ['0.0000881834', '1.0714285714', '0.1785714286'];
    const before = await (await scrape()).text();
    await withPlatform(
      (tx) =>
        tx.insert(usageEvents).values(
          prices.map((price, i) => ({
            tenantId: tenant.id,
            requestId: `metrics-${crypto.randomUUID()}`,
            modelId: model.id,
            providerId: model.providerId,
            markupPercent: '40',
            markupSource: 'default',
            cost: costs[i]!,
            price,
          })),
        ),
      db,
    );
    const after = await (await scrape()).text();
    const revenue = value(after, 'radiant_revenue_month_to_date', { currency: 'XTS' });
    expect(revenue).toBe(dec('1.750123456789').toNumber());
    expect(value(after, 'radiant_requests_month_to_date') - value(before, 'radiant_requests_month_to_date')).toBeGreaterThanOrEqual(3);
    expect(value(after, 'radiant_cost_month_to_date') - value(before, 'radiant_cost_month_to_date')).toBeGreaterThanOrEqual(1.25);

    // Exact in the database (strings), float only in the exposition.
    const figures = await loadBusinessFigures();
    expect(figures.revenueByCurrency.find((r) => r.currency === 'XTS')?.revenue).toMatch(/^1\.750123456789(0*)$/);

    // "Restart": drop this process's registry; a fresh one reads the same figures back.
    const g = globalThis as Record<symbol, unknown>;
    delete g[Symbol.for('radiant.metrics')];
    delete g[Symbol.for('radiant.metrics.business')];
    const fresh = await (await scrape()).text();
    expect(value(fresh, 'radiant_revenue_month_to_date', { currency: 'XTS' })).toBe(revenue);
    expect(value(fresh, 'radiant_http_requests_total', { route: '/api/v1/chat/completions', model: 'gpt-4o', provider: 'openai', status: '200' })).toBe(0);
  });

  it('reports radiant_business_metrics_up 0 when the query fails, without failing the scrape', async () => {
    enableBusinessMetrics({ cacheMs: 0, source: () => Promise.reject(new Error('db down')) });
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(value(await res.text(), 'radiant_business_metrics_up')).toBe(0);
    enableBusinessMetrics({ cacheMs: 0, source: loadBusinessFigures });
  });
});
