/**
 * POST /api/v1/chat/completions (alias /api/v1/chat) and POST /api/v1/embeddings, as a
 * composition of stages:
 *
 *   authenticate -> idempotency -> parse/validate -> route -> admit (rate limits) -> cache
 *   -> admit (budget) -> upstream (retries, fallbacks, cooldown; streamed or not) -> finish
 *   (meter, then a complete answer is sent, settle, request log: stages/finish.ts)
 *
 * A new endpoint is another composition like this one plus a provider adapter.
 */
import { chatCompletionRequestSchema, embeddingRequestSchema } from '../adapters/openai-types';
import type { KeyRecord } from '../auth';
import { GatewayError } from '../errors';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';
import type { Endpoint } from '../router';
import { estimatePromptTokens } from '../tokens';
import { attemptComplete, attemptStream, type CompleteAnswer, type StreamedAnswer } from '../upstream/execute';
import { admitRate, reserveBudget, upperPriceEstimate } from '../stages/admit';
import { authenticateStage } from '../stages/authenticate';
import { lookupCache, storeInCache } from '../stages/cache';
import { withIdempotency } from '../stages/idempotency';
import { completionOutcome, finish, Outcome } from '../stages/finish';
import { dropProviderExtras, parseJson, validate } from '../stages/parse';
import { answerHeaders, SSE_HEADERS } from '../stages/respond';
import { loadTenantView, routeStage } from '../stages/route';
import { callUpstream, forwardedHeaders, newTrace } from '../stages/upstream';
import { attemptVoyage } from '../upstream/voyage';
import type { EndpointHandler } from '../pipeline/run';

type CompletionEndpoint = Extract<Endpoint, 'chat' | 'embeddings'>;

const PATHS: Record<CompletionEndpoint, string> = { chat: '/api/v1/chat/completions', embeddings: '/api/v1/embeddings' };
const USAGE_ENDPOINT: Record<CompletionEndpoint, string> = { chat: 'chat.completions', embeddings: 'embeddings' };

export function completionEndpoint(endpoint: CompletionEndpoint): EndpointHandler {
  return async (gw, ctx, respondError) => {
    const key = await authenticateStage(gw, ctx, endpoint === 'chat' ? 'chat' : 'embeddings');
    const raw = await ctx.req.readBody(gw.options.maxBodyBytes);
    await withIdempotency(gw, ctx, key, PATHS[endpoint], raw, () => completion(gw, ctx, endpoint, key, raw), respondError);
  };
}

async function completion(gw: GatewayServices, ctx: RequestContext, endpoint: CompletionEndpoint, key: KeyRecord, sent: Buffer): Promise<void> {
  const o = gw.options;
  const validated = validate(endpoint === 'chat' ? chatCompletionRequestSchema : embeddingRequestSchema, parseJson(sent)) as Record<string, unknown>;
  const { body, dropped } = dropProviderExtras(validated, key.tenant.settings);
  // What goes upstream: the client's bytes, unless a field had to be dropped.
  const raw = dropped.length === 0 ? sent : Buffer.from(JSON.stringify(body));
  if (dropped.length > 0) ctx.headers['x-radiant-dropped-fields'] = dropped.join(', ');
  const stream = endpoint === 'chat' && body.stream === true;
  const { snap, tenant } = await loadTenantView(gw, key);
  const promptTokens = estimatePromptTokens(body);
  const plan = routeStage(gw, ctx, { endpoint, key, snap, tenant, body, promptTokens });

  const maxOut = (body.max_completion_tokens ?? body.max_tokens) as number | null | undefined;
  const requestedOut = typeof maxOut === 'number' && maxOut > 0 ? maxOut : 0;
  // `n` completions produce up to n times the output: limits and the budget reservation count it.
  const completions = completionsRequested(gw, body);
  const admission = await admitRate(gw, ctx, key, tenant, plan, promptTokens + requestedOut * completions);

  const cache = await lookupCache(gw, ctx, key, endpoint, plan.primary.id, body, !stream);
  if (cache.hit) {
    // Served without calling a provider: metered as a free event with the original token counts.
    const hit = cache.hit;
    const model = snap.byId.get(hit.modelId) ?? plan.primary;
    const trace = newTrace({ ...plan, primary: model });
    answerHeaders(ctx, trace);
    const o = new Outcome(true, { inputTokens: hit.inputTokens, cachedInputTokens: hit.cachedInputTokens, outputTokens: hit.outputTokens, requests: 1 });
    o.free = true;
    o.cacheHit = true;
    o.ttfbMs = Date.now() - ctx.start;
    o.attemptCount = 0;
    o.metadata = { cacheHit: true };
    o.body = hit.body;
    o.requestBody = body;
    o.responseBody = parseOrNull(hit.body);
    finish(gw, ctx, { key, tenant, snap, plan, trace, admission, endpoint: USAGE_ENDPOINT[endpoint] }, o);
    return;
  }

  const outputEstimate = (requestedOut || o.defaultOutputEstimateTokens) * completions;
  await reserveBudget(gw, ctx, key, admission, () =>
    upperPriceEstimate(gw, plan, tenant, snap, ctx.start, (_m, coldStart) => ({
      inputTokens: Math.ceil(promptTokens * 1.1) + 16,
      outputTokens: outputEstimate,
      requests: 1,
      coldStart,
    })),
  );

  // ---- upstream ----
  const trace = newTrace(plan);
  const forward = forwardedHeaders(gw, ctx);
  let outcome: CompleteAnswer | StreamedAnswer | null = null;
  let failure: unknown = null;
  try {
    outcome = await callUpstream<CompleteAnswer | StreamedAnswer>(gw, ctx, plan, snap, trace, ({ model, provider, ep }) => {
      const args = {
        endpoint,
        model,
        provider,
        ep,
        body,
        raw,
        requestId: ctx.requestId,
        signal: ctx.req.signal,
        timeoutMs: o.upstreamTimeoutMs,
        idleTimeoutMs: o.streamIdleTimeoutMs,
        forwardHeaders: forward,
      };
      if (provider.wireFormat === 'voyage') return attemptVoyage(args);
      return stream
        ? attemptStream(args, {
            sink: ctx.sink,
            startedAt: ctx.start,
            headers: () => {
              answerHeaders(ctx, trace);
              return { ...SSE_HEADERS, ...ctx.headers };
            },
          })
        : attemptComplete(args);
    });
  } catch (err) {
    failure = err;
  }

  // ---- respond, meter (journaled before a complete answer goes out), settle, log ----
  if (outcome?.kind === 'complete') {
    answerHeaders(ctx, trace);
    storeInCache(gw, key, cache, {
      body: outcome.body,
      modelId: trace.model.id,
      inputTokens: outcome.usage.input,
      cachedInputTokens: outcome.usage.cached,
      outputTokens: outcome.usage.output,
    });
  }
  finish(gw, ctx, { key, tenant, snap, plan, trace, admission, endpoint: USAGE_ENDPOINT[endpoint] }, completionOutcome(ctx, stream, outcome, failure, body));
}

/** How many completions the request asks for (`n`, default 1); above the configured cap a 400. */
function completionsRequested(gw: GatewayServices, body: Record<string, unknown>): number {
  const n = typeof body.n === 'number' ? body.n : 1;
  const cap = gw.options.maxCompletionsPerRequest;
  if (n > cap) throw new GatewayError(400, 'invalid_value', `n may be at most ${cap} on this gateway (you asked for ${n} completions).`, { param: 'n' });
  return n;
}

function parseOrNull(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
