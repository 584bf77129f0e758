/**
 * Tavily web search behind RADIANT's search API (./search-types.ts).
 *
 * Wire format (Tavily's API reference, https://docs.tavily.com/documentation/api-reference/endpoint/search,
 * and the official tavily-js client):
 * - POST {base}/search (base https://api.tavily.com), `Authorization: Bearer tvly-<key>` (the
 *   older `api_key` body field is not used).
 *   Body { query, search_depth?: 'basic' | 'advanced', topic?: 'general' | 'news' | 'finance',
 *   max_results? (0..20, default 5), include_domains?, exclude_domains?, start_date? / end_date?
 *   ('YYYY-MM-DD'), time_range?, include_answer?, include_raw_content?: boolean | 'markdown' |
 *   'text', include_images?, include_favicon?, ... }.
 * - Answer { query, answer?, images: [], results: [{ title, url, content, score, raw_content?,
 *   published_date? (news topic), favicon? }], follow_up_questions?, response_time, request_id?,
 *   usage?: { credits } }.
 * - Errors: `{ "detail": { "error": "<message>" } }` with 400, 401 (missing or invalid key),
 *   403, 429 (rate limit), 432 (plan limit reached), 433 (pay-as-you-go limit reached), 500.
 *
 * Mapping: max_results (at most 20 here: more is a 400 naming max_results, before any call);
 * include/exclude_domains as they are; dates -> start_date / end_date ('YYYY-MM-DD');
 * include_content -> include_raw_content: 'markdown' and `raw_content` becomes the result's
 * `content`; Tavily's `content` (its extract of the page) is the snippet. `provider_options` are
 * sent as they are. `usage` (credits: what the search cost US) is dropped.
 */
import { searchAdapter } from './search-provider';
import { UnsupportedFeatureError, providerError, isRecord, kindForStatus, parseJsonBody, type TranslatedError, type UpstreamErrorKind } from './shared';
import { SEARCH_DEFAULT_MAX_RESULTS, clip, type SearchRequest } from './search-types';

export const TAVILY_MAX_RESULTS = 20;

export function toTavilyRequest(req: SearchRequest): Record<string, unknown> {
  const max = req.max_results ?? SEARCH_DEFAULT_MAX_RESULTS;
  if (max > TAVILY_MAX_RESULTS) {
    throw new UnsupportedFeatureError(`max_results must be at most ${TAVILY_MAX_RESULTS} for this model`, 'max_results', 'invalid_value');
  }
  const body: Record<string, unknown> = { ...(req.provider_options ?? {}), query: req.query, max_results: max };
  if (req.include_domains) body.include_domains = req.include_domains;
  if (req.exclude_domains) body.exclude_domains = req.exclude_domains;
  if (req.start_published_date) body.start_date = req.start_published_date.slice(0, 10);
  if (req.end_published_date) body.end_date = req.end_published_date.slice(0, 10);
  if (req.include_content) body.include_raw_content = 'markdown';
  return body;
}

export function tavilyHeaders(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}` };
}

const RESULT_CORE = ['title', 'url', 'content', 'score', 'published_date'];

/** `{ detail: { error } }` or any body -> OpenAI-shaped error. 432/433: our plan's limits. */
export function fromTavilyError(status: number, body: unknown): TranslatedError {
  const parsed = parseJsonBody(body);
  let message = '';
  if (isRecord(parsed)) {
    const d = parsed.detail;
    if (isRecord(d) && typeof d.error === 'string') message = d.error;
    else if (typeof d === 'string') message = d;
    else if (typeof parsed.error === 'string') message = parsed.error;
  }
  const planLimit = status === 432 || status === 433;
  const kind: UpstreamErrorKind = planLimit ? 'permission' : kindForStatus(status);
  const t = providerError(status, kind, { message }, 'Tavily');
  if (planLimit) t.body.error.message = "The upstream provider (Tavily) refused the request: the gateway account's usage limit is reached.";
  return t;
}

// Tavily's `content` is its extract of the page: the snippet.
const tavilySnippet = (r: Record<string, unknown>) => (typeof r.content === 'string' && r.content.trim() ? clip(r.content) : null);
const TAVILY = searchAdapter(
  { label: 'Tavily', headers: tavilyHeaders, body: toTavilyRequest, translateError: fromTavilyError },
  { date: 'published_date', content: 'raw_content', core: RESULT_CORE, omit: ['results', 'query', 'usage'], snippet: tavilySnippet },
);
export const callTavilySearch = TAVILY.call;
export const fromTavilyResponse = TAVILY.normalize;
