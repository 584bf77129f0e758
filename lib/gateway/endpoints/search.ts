/**
 * POST /api/v1/search: RADIANT's one web-search API (request and answer in
 * adapters/search-types.ts) over Exa and Tavily, as a composition of stages:
 *
 *   authenticate (scope `search`) -> idempotency -> parse/validate -> route -> admit (rate limits)
 *   -> admit (budget: one request at the chain's highest per-request price) -> upstream (retries,
 *   fallbacks along routing rules, cooldown) -> finish (meter request_count = 1, then answer,
 *   request log: stages/finish.ts)
 *
 * Not cached (answers go stale; the response cache covers chat and embeddings).
 */
import { callExaSearch } from '../adapters/exa';
import { searchRequestSchema, type SearchRequest, type SearchResponse } from '../adapters/search-types';
import { callTavilySearch } from '../adapters/tavily';
import type { KeyRecord } from '../auth';
import { GatewayError } from '../errors';
import type { RequestContext } from '../pipeline/context';
import type { EndpointHandler } from '../pipeline/run';
import type { GatewayServices } from '../pipeline/services';
import { admitRate, reserveBudget, upperPriceEstimate } from '../stages/admit';
import { authenticateStage } from '../stages/authenticate';
import { withIdempotency } from '../stages/idempotency';
import { failureFacts, finish, Outcome } from '../stages/finish';
import { parseJson, validate } from '../stages/parse';
import { answerHeaders } from '../stages/respond';
import { loadTenantView, routeStage } from '../stages/route';
import { callUpstream, newTrace, type Attempt } from '../stages/upstream';

const PATH = '/api/v1/search';
const USAGE_ENDPOINT = 'search';

export const searchEndpoint: EndpointHandler = async (gw, ctx, respondError) => {
  const key = await authenticateStage(gw, ctx, 'search');
  const raw = await ctx.req.readBody(gw.options.maxBodyBytes);
  await withIdempotency(gw, ctx, key, PATH, raw, () => search(gw, ctx, key, raw), respondError);
};

interface SearchAnswer {
  kind: 'complete';
  refusal: false;
  response: SearchResponse;
}

function attemptSearch(gw: GatewayServices, ctx: RequestContext, body: SearchRequest, a: Attempt): Promise<SearchAnswer> {
  const call = { baseUrl: a.ep.baseUrl, apiKey: a.ep.apiKey ?? '', timeoutMs: gw.options.upstreamTimeoutMs, signal: ctx.req.signal };
  const meta = { model: a.model.name, query: body.query, requestId: ctx.requestId, created: Math.floor(ctx.start / 1000) };
  const run = a.provider.wireFormat === 'exa' ? callExaSearch : a.provider.wireFormat === 'tavily' ? callTavilySearch : null;
  if (!run) throw new GatewayError(400, 'model_not_supported', `The model '${a.model.name}' does not support web search through this API.`, { param: 'model' });
  return run(call, body, meta).then((response) => ({ kind: 'complete' as const, refusal: false as const, response }));
}

async function search(gw: GatewayServices, ctx: RequestContext, key: KeyRecord, raw: Buffer): Promise<void> {
  const body = validate(searchRequestSchema, parseJson(raw));
  const { snap, tenant } = await loadTenantView(gw, key);
  const plan = routeStage(gw, ctx, { endpoint: 'search', key, snap, tenant, body, promptTokens: 0 });
  // A search is one request against the request limits and no tokens.
  const admission = await admitRate(gw, ctx, key, tenant, plan, 0);
  await reserveBudget(gw, ctx, key, admission, () =>
    upperPriceEstimate(gw, plan, tenant, snap, ctx.start, () => ({ inputTokens: 0, outputTokens: 0, requests: 1 })),
  );

  const trace = newTrace(plan);
  let answer: SearchAnswer | null = null;
  let failure: unknown = null;
  try {
    answer = await callUpstream(gw, ctx, plan, snap, trace, (a) => attemptSearch(gw, ctx, body, a));
  } catch (err) {
    failure = err;
  }

  // Metered per request; a search that got no answer is free. One the client abandoned after the
  // provider answered is still charged (the provider charged us).
  if (answer) answerHeaders(ctx, trace);
  const failed = answer ? null : failureFacts(ctx, failure);
  const o = new Outcome(answer !== null, { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, requests: 1 });
  o.tokensUsed = 0;
  if (failed) o.failed(failed, failure);
  if (answer) {
    o.ttfbMs = Date.now() - ctx.start;
    o.body = JSON.stringify(answer.response);
  }
  o.metadata = { results: answer ? answer.response.results.length : 0 };
  o.requestBody = body;
  o.responseBody = answer ? answer.response : { error: failed?.mapped.body.error };
  finish(gw, ctx, { key, tenant, snap, plan, trace, admission, endpoint: USAGE_ENDPOINT }, o);
}
