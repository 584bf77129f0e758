/**
 * Request logs, read: one page of a tenant's logged requests (portal, withTenant) or of all
 * tenants' (console, platform path, permission request_logs.read), newest first, with the usage
 * row of the same request joined for status, tokens/units, PRICE and latency. Never cost or
 * markup: the same row type serves both audiences. Keyset pagination on (created_at, id).
 * The list carries short previews of the prompt and the answer; the detail has both in full.
 */
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Queryable } from '../db/client';
import { isUuid } from '../db/tenant';
import { NotFoundError } from '../errors';
import { decodeCursor, likePattern, listParamsSchema, toPage, type Page } from '../lists/keyset';

export const requestLogParamsSchema = listParamsSchema(['time'] as const, 'time').extend({
  key: z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()).catch(undefined),
  model: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(150).optional()).catch(undefined),
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['success', 'error', 'cancelled', 'partial']).optional()).catch(undefined),
  from: z.preprocess((v) => (v === '' ? undefined : v), z.iso.date().optional()).catch(undefined),
  to: z.preprocess((v) => (v === '' ? undefined : v), z.iso.date().optional()).catch(undefined),
  tenant: z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()).catch(undefined),
});
export type RequestLogParams = z.output<typeof requestLogParamsSchema>;

export interface RequestLogRow {
  id: string;
  createdAt: string;
  requestId: string;
  tenantId: string;
  tenantName: string | null;
  keyId: string | null;
  keyName: string | null;
  keyPrefix: string | null;
  model: string;
  endpoint: string | null;
  status: string | null;
  httpStatus: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  units: string | null;
  price: string | null;
  latencyMs: number | null;
  promptPreview: string;
  answerPreview: string;
}

export interface RequestLogDetail extends RequestLogRow {
  requestBody: unknown;
  responseBody: unknown;
  expiresAt: string;
}

const PREVIEW = 200;

/** The last user message (chat), else the prompt/input field, else the body as text. */
const promptText = sql`coalesce(
  (SELECT CASE jsonb_typeof(m->'content') WHEN 'string' THEN m->>'content' ELSE (m->'content')::text END
     FROM jsonb_array_elements(CASE jsonb_typeof(r.request_body->'messages') WHEN 'array' THEN r.request_body->'messages' ELSE '[]'::jsonb END) WITH ORDINALITY AS e(m, i)
    WHERE m->>'role' = 'user' ORDER BY i DESC LIMIT 1),
  r.request_body->>'prompt', r.request_body->>'input', r.request_body::text)`;
const answerText = sql`coalesce(r.response_body->'choices'->0->'message'->>'content', r.response_body->>'content',
  r.response_body->'error'->>'message', r.response_body::text, '')`;

function where(p: RequestLogParams, tenantId: string | null): SQL {
  const parts: SQL[] = [sql`true`];
  if (tenantId) parts.push(sql`r.tenant_id = ${tenantId}`);
  else if (p.tenant) parts.push(sql`r.tenant_id = ${p.tenant}`);
  if (p.key) parts.push(sql`r.api_key_id = ${p.key}`);
  if (p.model) parts.push(sql`r.model = ${p.model}`);
  if (p.status) parts.push(sql`u.status = ${p.status}`);
  if (p.from) parts.push(sql`r.created_at >= ${p.from}::date`);
  if (p.to) parts.push(sql`r.created_at < (${p.to}::date + 1)`);
  if (p.q) {
    const like = likePattern(p.q);
    parts.push(sql`(r.request_id ILIKE ${like} OR r.request_body::text ILIKE ${like} OR r.response_body::text ILIKE ${like})`);
  }
  return sql.join(parts, sql` AND `);
}

function toRow(r: Record<string, unknown>): RequestLogRow {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const units = [
    n(r.image_count) ? `${n(r.image_count)} images` : null,
    r.audio_minutes && String(r.audio_minutes) !== '0' ? `${String(r.audio_minutes)} min audio` : null,
    r.video_seconds && String(r.video_seconds) !== '0' ? `${String(r.video_seconds)} s video` : null,
    n(r.characters) ? `${n(r.characters)} characters` : null,
  ].filter(Boolean);
  return {
    id: String(r.id),
    createdAt: new Date(r.created_at as string | Date).toISOString(),
    requestId: String(r.request_id),
    tenantId: String(r.tenant_id),
    tenantName: s(r.tenant_name),
    keyId: s(r.api_key_id),
    keyName: s(r.key_name),
    keyPrefix: s(r.key_prefix),
    model: String(r.model),
    endpoint: s(r.endpoint),
    status: s(r.status),
    httpStatus: n(r.http_status),
    inputTokens: n(r.input_tokens),
    outputTokens: n(r.output_tokens),
    units: units.length ? units.join(', ') : null,
    price: s(r.price),
    latencyMs: n(r.latency_ms),
    promptPreview: String(r.prompt_preview ?? ''),
    answerPreview: String(r.answer_preview ?? ''),
  };
}

const SELECT = sql`r.id, r.created_at, r.request_id, r.tenant_id, r.api_key_id, r.model,
  k.name AS key_name, k.key_prefix, u.endpoint, u.status, u.http_status, u.input_tokens, u.output_tokens, u.image_count,
  u.audio_minutes, u.video_seconds, u.characters, u.price, u.latency_ms`;
/** The usage row of the same request: usage_events has no request_id index (migration 0016), so
 * it is found by (tenant_id, created_at), per log row (LATERAL, so only the page's rows pay):
 * first at the exact start time both rows carry (the gateway writes ctx.start into both: an index
 * point lookup), only then within an hour of it. A join over the window for every log row made
 * page 1 of a tenant with 300,000 events this month take 20 s. */
const USAGE_COLS = sql`u.endpoint, u.status, u.http_status, u.input_tokens, u.output_tokens, u.image_count, u.audio_minutes, u.video_seconds,
  u.characters, u.price, u.latency_ms`;
const JOINS = sql`LEFT JOIN LATERAL (
    SELECT * FROM (
      (SELECT ${USAGE_COLS} FROM usage_events u WHERE u.tenant_id = r.tenant_id AND u.created_at = r.created_at AND u.request_id = r.request_id)
      UNION ALL
      (SELECT ${USAGE_COLS} FROM usage_events u WHERE u.tenant_id = r.tenant_id AND u.request_id = r.request_id
          AND u.created_at >= r.created_at - interval '1 hour' AND u.created_at <= r.created_at + interval '1 hour')
    ) x LIMIT 1
  ) u ON true
  LEFT JOIN api_keys k ON k.id = r.api_key_id`;
const FROM = sql`FROM request_logs r ${JOINS}`;

/** One page. `tenantId` set = the portal (only that tenant, also held by RLS); null = console. */
export async function listRequestLogs(q: Queryable, tenantId: string | null, params: RequestLogParams): Promise<Page<RequestLogRow>> {
  const c = decodeCursor(params.cursor);
  const asc = params.dir === 'asc';
  const after =
    c && typeof c[0] === 'string' && isUuid(c[1])
      ? asc
        ? sql`AND (r.created_at, r.id) > (${c[0]}::timestamptz, ${c[1]}::uuid)`
        : sql`AND (r.created_at, r.id) < (${c[0]}::timestamptz, ${c[1]}::uuid)`
      : sql``;
  const order = asc ? sql`ORDER BY r.created_at ASC, r.id ASC` : sql`ORDER BY r.created_at DESC, r.id DESC`;
  const tenantCol = tenantId ? sql`NULL::text AS tenant_name` : sql`(SELECT t.name FROM tenants t WHERE t.id = r.tenant_id) AS tenant_name`;
  const cols = sql`${SELECT}, r.created_at::text AS ck, ${tenantCol}, left(${promptText}, ${PREVIEW}) AS prompt_preview, left(${answerText}, ${PREVIEW}) AS answer_preview`;
  // Without a status filter (the only one on the usage row) the page's log rows are picked first
  // and only they look up their usage row; the planner otherwise may join every log row of the
  // tenant before the top-N sort (78 s for 20,000 logs in the bench).
  const rows = await queryRows<Record<string, unknown>>(
    q,
    params.status
      ? sql`SELECT ${cols} ${FROM} WHERE ${where(params, tenantId)} ${after} ${order} LIMIT ${params.limit + 1}`
      : sql`SELECT ${cols} FROM (SELECT * FROM request_logs r WHERE ${where(params, tenantId)} ${after} ${order} LIMIT ${params.limit + 1}) r ${JOINS} ${order}`,
  );
  // The cursor keeps the timestamp as PostgreSQL prints it (microseconds), not a JS Date (ms).
  const page = toPage(rows, params.limit, (r) => [String(r.ck), String(r.id)]);
  return { ...page, rows: page.rows.map(toRow) };
}

export async function getRequestLog(q: Queryable, tenantId: string | null, id: string): Promise<RequestLogDetail> {
  if (!isUuid(id)) throw new NotFoundError('No such request log');
  const rows = await queryRows<Record<string, unknown>>(
    q,
    sql`SELECT ${SELECT}, (SELECT t.name FROM tenants t WHERE t.id = r.tenant_id) AS tenant_name, '' AS prompt_preview, '' AS answer_preview,
               r.request_body, r.response_body, r.expires_at
        ${FROM} WHERE r.id = ${id} ${tenantId ? sql`AND r.tenant_id = ${tenantId}` : sql``}`,
  );
  const r = rows[0];
  if (!r) throw new NotFoundError('No such request log');
  // `upstream` is a provider's own error text (may name the platform's provider account): console only.
  let responseBody: unknown = r.response_body;
  if (tenantId && responseBody !== null && typeof responseBody === 'object' && 'upstream' in responseBody) {
    const { upstream: _admin, ...rest } = responseBody as Record<string, unknown>;
    responseBody = rest;
  }
  return { ...toRow(r), requestBody: r.request_body, responseBody, expiresAt: new Date(r.expires_at as string).toISOString() };
}

/** Distinct models in a tenant's logs (filter options); bounded. */
export async function requestLogModels(q: Queryable, tenantId: string | null): Promise<string[]> {
  const rows = await queryRows<{ model: string }>(
    q,
    sql`SELECT DISTINCT model FROM request_logs ${tenantId ? sql`WHERE tenant_id = ${tenantId}` : sql``} ORDER BY model LIMIT 200`,
  );
  return rows.map((r) => r.model);
}

/** The CSV columns of a request-log export (portal and console): price, never cost. */
export const REQUEST_LOG_CSV: Array<{ header: string; value: (r: RequestLogRow) => unknown }> = [
  { header: 'time', value: (r) => r.createdAt },
  { header: 'request_id', value: (r) => r.requestId },
  { header: 'tenant', value: (r) => r.tenantName ?? r.tenantId },
  { header: 'key', value: (r) => r.keyName },
  { header: 'key_prefix', value: (r) => r.keyPrefix },
  { header: 'model', value: (r) => r.model },
  { header: 'status', value: (r) => r.status },
  { header: 'http_status', value: (r) => r.httpStatus },
  { header: 'input_tokens', value: (r) => r.inputTokens },
  { header: 'output_tokens', value: (r) => r.outputTokens },
  { header: 'units', value: (r) => r.units },
  { header: 'price', value: (r) => r.price },
  { header: 'latency_ms', value: (r) => r.latencyMs },
  { header: 'prompt_preview', value: (r) => r.promptPreview },
  { header: 'answer_preview', value: (r) => r.answerPreview },
];
