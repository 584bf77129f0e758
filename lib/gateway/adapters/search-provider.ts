/**
 * What the search adapters (./exa.ts, ./tavily.ts) share: the call (one JSON POST to
 * `{base}/search`, typed failures, an invalid answer is a retryable 502) and the normalization of
 * the answer into RADIANT's shape (./search-types.ts). An adapter supplies only its wire format:
 * headers, request body, error translation and which of its result fields are which.
 */
import { invalidAnswer, postJson } from './json-upstream';
import { extraFields, isoDate, searchId, type SearchAnswerMeta, type SearchRequest, type SearchResponse, type SearchResultItem } from './search-types';
import { isRecord, type TranslatedError } from './shared';

export interface SearchCall {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** How a provider is called. */
export interface SearchWire {
  label: string;
  headers(apiKey: string): Record<string, string>;
  body(req: SearchRequest): Record<string, unknown>;
  translateError(status: number, body: unknown): TranslatedError;
}

/** A provider's result and answer fields, as its wire format names them. */
export interface SearchFields {
  /** The result's publication date field (e.g. `publishedDate`). */
  date: string;
  /** The field holding the page's full text when include_content asked for it. */
  content: string;
  /** Result fields RADIANT maps itself (not repeated under `provider`). */
  core: readonly string[];
  /** Top-level answer fields not passed on (results, and what the search cost us). */
  omit: readonly string[];
  snippet(r: Record<string, unknown>): string | null;
}

export interface SearchAdapter {
  /** One search at the provider; throws TranslatedUpstreamError on any failure. */
  call(c: SearchCall, req: SearchRequest, meta: SearchAnswerMeta): Promise<SearchResponse>;
  /** The provider's answer in RADIANT's shape, or null when it is not the shape its wire format promises. */
  normalize(res: unknown, meta: SearchAnswerMeta, includeContent?: boolean): SearchResponse | null;
}

export function searchAdapter(w: SearchWire, f: SearchFields): SearchAdapter {
  return {
    call: (c, req, meta) => callSearch(w, f, c, req, meta),
    normalize: (res, meta, includeContent = false) => normalizeSearch(f, res, meta, includeContent),
  };
}

function normalizeSearch(w: SearchFields, res: unknown, meta: SearchAnswerMeta, includeContent: boolean): SearchResponse | null {
  if (!isRecord(res) || !Array.isArray(res.results)) return null;
  const results: SearchResultItem[] = [];
  for (const r of res.results as unknown[]) {
    if (!isRecord(r) || typeof r.url !== 'string') return null;
    const item: SearchResultItem = {
      title: typeof r.title === 'string' ? r.title : null,
      url: r.url,
      snippet: w.snippet(r),
      published_at: isoDate(r[w.date]),
      score: typeof r.score === 'number' ? r.score : null,
      provider: extraFields(r, includeContent ? [...w.core, w.content] : w.core),
    };
    if (includeContent) item.content = typeof r[w.content] === 'string' ? (r[w.content] as string) : null;
    // A date we could not read stays available as the provider sent it.
    if (r[w.date] !== undefined && item.published_at === null) item.provider[w.date] = r[w.date];
    results.push(item);
  }
  return {
    id: searchId(meta.requestId),
    object: 'search.result',
    created: meta.created ?? Math.floor(Date.now() / 1000),
    model: meta.model,
    query: meta.query,
    results,
    provider: extraFields(res, w.omit),
  };
}

async function callSearch(w: SearchWire, f: SearchFields, c: SearchCall, req: SearchRequest, meta: SearchAnswerMeta): Promise<SearchResponse> {
  const res = await postJson({
    url: `${c.baseUrl}/search`,
    headers: w.headers(c.apiKey),
    body: w.body(req),
    timeoutMs: c.timeoutMs,
    signal: c.signal,
    providerLabel: w.label,
    translateError: w.translateError,
  });
  const out = normalizeSearch(f, res.json, meta, req.include_content === true);
  if (!out) throw invalidAnswer(w.label);
  return out;
}
