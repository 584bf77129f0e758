/**
 * RADIANT's one web-search API (`POST /api/v1/search`), served by every search provider adapter
 * (./exa.ts, ./tavily.ts). OpenAI defines no search endpoint, so the shape is ours; it follows
 * OpenAI's conventions (snake_case, `model`, `object`, errors as `{ error: {...} }`).
 *
 * Request (strict: an unknown field is a 400 naming it, so typos do not pass silently):
 *   { model, query, max_results? (1..100, default 10; Tavily allows 20), include_domains?,
 *     exclude_domains?, start_published_date? / end_published_date? ('YYYY-MM-DD' or ISO 8601),
 *     include_content? (the page's full text in each result's `content`),
 *     provider_options? (provider-specific fields sent as they are, e.g. Exa `type` / `category`,
 *     Tavily `search_depth` / `topic` / `include_answer`), user? }
 *
 * Answer:
 *   { id, object: 'search.result', created, model, query,
 *     results: [{ title, url, snippet, published_at (ISO 8601 or null), score (0..1 or null),
 *                 content? (with include_content), provider: { the provider's other fields } }],
 *     provider: { the provider's other top-level fields (request id, Tavily's answer, ...) } }
 *   Provider fields about money (Exa `costDollars`, Tavily `usage.credits`) are never passed on.
 */
import { z } from 'zod';

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$/, "must be a date ('YYYY-MM-DD') or an ISO 8601 date-time")
  .refine((s) => Number.isFinite(Date.parse(s)), 'is not a valid date');

export const SEARCH_DEFAULT_MAX_RESULTS = 10;

export const searchRequestSchema = z.strictObject({
  model: z.string().min(1),
  query: z.string().trim().min(1, 'query must not be empty').max(2000),
  max_results: z.number().int().min(1).max(100).optional(),
  include_domains: z.array(z.string().min(1)).max(300).optional(),
  exclude_domains: z.array(z.string().min(1)).max(300).optional(),
  start_published_date: date.optional(),
  end_published_date: date.optional(),
  include_content: z.boolean().optional(),
  provider_options: z.record(z.string(), z.unknown()).optional(),
  user: z.string().optional(),
});

export type SearchRequest = z.infer<typeof searchRequestSchema>;

export interface SearchResultItem {
  title: string | null;
  url: string;
  snippet: string | null;
  published_at: string | null;
  score: number | null;
  content?: string | null;
  provider: Record<string, unknown>;
}

export interface SearchResponse {
  id: string;
  object: 'search.result';
  created: number;
  model: string;
  query: string;
  results: SearchResultItem[];
  provider: Record<string, unknown>;
}

export interface SearchAnswerMeta {
  /** The catalog name the client sent. */
  model: string;
  query: string;
  /** The gateway request id: the answer's id is `search_<id without req_>`. */
  requestId: string;
  created?: number;
}

export function searchId(requestId: string): string {
  return `search_${requestId.replace(/^req_/, '')}`;
}

/** A provider's date -> ISO 8601, or null when missing or unreadable. */
export function isoDate(v: unknown): string | null {
  if (typeof v !== 'string' || !v) return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/** The fields of `obj` other than `omit`. */
export function extraFields(obj: Record<string, unknown>, omit: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!omit.includes(k)) out[k] = v;
  return out;
}

export const SNIPPET_MAX_CHARS = 500;

/** First SNIPPET_MAX_CHARS characters at a word boundary, with an ellipsis when cut. */
export function clip(text: string, max = SNIPPET_MAX_CHARS): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.lastIndexOf(' ', max);
  return `${t.slice(0, cut > max * 0.6 ? cut : max)}…`;
}
