/**
 * Exa web search behind RADIANT's search API (./search-types.ts).
 *
 * Wire format (Exa's API reference, https://docs.exa.ai/reference/search, and the official
 * exa-js client):
 * - POST {base}/search (base https://api.exa.ai), header `x-api-key: <key>`.
 *   Body { query, type?: 'auto' | 'neural' | 'keyword' | 'fast' | ..., numResults? (default 10,
 *   max 100), includeDomains?, excludeDomains?, startPublishedDate?, endPublishedDate? (ISO 8601),
 *   category?, contents?: { text?: true | {maxCharacters}, highlights?: true | {...},
 *   summary?: true | {...}, livecrawl?, ... } }.
 * - Answer { requestId, resolvedSearchType?, searchType?, results: [{ id, title, url,
 *   publishedDate?, author?, score?, image?, favicon?, text?, highlights?, highlightScores?,
 *   summary? }], costDollars?: { total, ... } }.
 * - Errors: `{ requestId?, error: "<message>", tag? }` with 400, 401 (missing/invalid key),
 *   402 (no credits), 403, 404, 429, 5xx.
 *
 * Mapping: max_results -> numResults; include/exclude_domains -> include/excludeDomains; dates ->
 * start/endPublishedDate (a bare date becomes midnight UTC); highlights are always requested for
 * the snippet (first highlight, else the start of the text, else the summary); include_content
 * adds `contents.text` and moves `text` to the result's `content`. `provider_options` are sent as
 * they are (its `contents` merged into ours). `costDollars` (what the search cost US) is dropped.
 */
import { searchAdapter } from './search-provider';
import { providerError, isRecord, kindForStatus, parseJsonBody, type TranslatedError, type UpstreamErrorKind } from './shared';
import { SEARCH_DEFAULT_MAX_RESULTS, clip, type SearchRequest } from './search-types';

const dateTime = (d: string) => (/^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d}T00:00:00.000Z` : d);

export function toExaRequest(req: SearchRequest): Record<string, unknown> {
  const opts = req.provider_options ?? {};
  const optContents = isRecord(opts.contents) ? opts.contents : {};
  const body: Record<string, unknown> = {
    ...opts,
    query: req.query,
    numResults: req.max_results ?? SEARCH_DEFAULT_MAX_RESULTS,
    contents: { highlights: true, ...(req.include_content ? { text: true } : {}), ...optContents },
  };
  if (req.include_domains) body.includeDomains = req.include_domains;
  if (req.exclude_domains) body.excludeDomains = req.exclude_domains;
  if (req.start_published_date) body.startPublishedDate = dateTime(req.start_published_date);
  if (req.end_published_date) body.endPublishedDate = dateTime(req.end_published_date);
  return body;
}

export function exaHeaders(apiKey: string): Record<string, string> {
  return { 'x-api-key': apiKey };
}

const RESULT_CORE = ['title', 'url', 'publishedDate', 'score'];

function exaSnippet(r: Record<string, unknown>): string | null {
  if (Array.isArray(r.highlights)) {
    const h = (r.highlights as unknown[]).filter((x): x is string => typeof x === 'string' && x.trim() !== '');
    if (h.length > 0) return clip(h[0]!);
  }
  if (typeof r.text === 'string' && r.text.trim()) return clip(r.text);
  if (typeof r.summary === 'string' && r.summary.trim()) return clip(r.summary);
  return null;
}

/** `{ error, tag }` or any body -> OpenAI-shaped error. 402 (credits used up) is our account's. */
export function fromExaError(status: number, body: unknown): TranslatedError {
  const parsed = parseJsonBody(body);
  let message = '';
  if (isRecord(parsed)) {
    if (typeof parsed.error === 'string') message = parsed.error;
    else if (isRecord(parsed.error) && typeof parsed.error.message === 'string') message = parsed.error.message;
    else if (typeof parsed.message === 'string') message = parsed.message;
  }
  const kind: UpstreamErrorKind = status === 402 ? 'permission' : kindForStatus(status);
  const t = providerError(status, kind, { type: isRecord(parsed) ? parsed.tag : null, message }, 'Exa');
  if (status === 402) t.body.error.message = 'The upstream provider (Exa) refused the request: the gateway account has no credits left.';
  return t;
}

const EXA = searchAdapter(
  { label: 'Exa', headers: exaHeaders, body: toExaRequest, translateError: fromExaError },
  { date: 'publishedDate', content: 'text', core: RESULT_CORE, omit: ['results', 'costDollars'], snippet: exaSnippet },
);
export const callExaSearch = EXA.call;
export const fromExaResponse = EXA.normalize;
