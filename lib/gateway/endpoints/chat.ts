/**
 * POST /api/v1/chat/completions (alias /api/v1/chat) and POST /api/v1/embeddings, as a
 * composition of stages:
 *
 *   authenticate -> idempotency -> parse/validate -> route -> admit (rate limits) -> cache
 *   -> admit (budget) -> upstream (retries, fallbacks, cooldown; streamed or not) -> respond
 *   -> meter + settle -> request log
 *
 * A new endpoint is another composition like this one plus a provider adapter.
 */
import type { UsageStatus } from '../metering/writer';
import { chatCompletionRequestSchema, embeddingRequestSchema } from '../adapters/openai-types';
import type { KeyRecord } from '../auth';
import { GatewayError, toOpenAIError, type MappedError } from '../errors';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';
import type { Endpoint } from '../router';
import { estimatePromptTokens } from '../tokens';
import { attemptComplete, attemptStream, type CompleteAnswer, type StreamedAnswer, type TokenUsage } from '../upstream/execute';
import { admitRate, reserveBudget, upperPriceEstimate } from '../stages/admit';
import { authenticateStage } from '../stages/authenticate';
import { lookupCache, storeInCache } from '../stages/cache';
import { withIdempotency } from '../stages/idempotency';
import { logRequest } from '../stages/log';
import { buildUsageEvent, meter, meterRefusals } from '../stages/meter';
import { dropProviderExtras, parseJson, validate } from '../stages/parse';
import { answerHeaders, sendComplete, SSE_HEADERS } from '../stages/respond';
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
    answerHeaders(ctx, newTrace({ ...plan, primary: model }));
    sendComplete(ctx, hit.body);
    admission.refundTokens();
    const now = Date.now() - ctx.start;
    meter(
      gw,
      buildUsageEvent(ctx, {
        key,
        tenant,
        snap,
        model,
        requested: plan.requested,
        endpoint: USAGE_ENDPOINT[endpoint],
        usage: { inputTokens: hit.inputTokens, cachedInputTokens: hit.cachedInputTokens, outputTokens: hit.outputTokens, requests: 1 },
        free: true,
        cacheHit: true,
        ttfbMs: now,
        status: 'success',
        httpStatus: 200,
        errorCode: null,
        attemptCount: 0,
        fallbackFrom: null,
        metadata: { cacheHit: true },
      }),
      null,
    );
    logRequest(gw, ctx, key, tenant, { model: model.name, requestBody: body, responseBody: parseOrNull(hit.body) });
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

  // ---- respond ----
  let status: UsageStatus;
  let httpStatus = 200;
  let errorCode: string | null = null;
  let usage: TokenUsage = { input: 0, cached: 0, output: 0, estimated: false };
  let ttfb: number | null = null;
  let failureBody: MappedError | null = null;
  if (outcome?.kind === 'complete') {
    // Sent below, once its usage event is journaled: a process killed after the client has the
    // answer must still find the event on disk when it restarts.
    answerHeaders(ctx, trace);
    ttfb = Date.now() - ctx.start;
    status = 'success';
    usage = outcome.usage;
    storeInCache(gw, key, cache, {
      body: outcome.body,
      modelId: trace.model.id,
      inputTokens: usage.input,
      cachedInputTokens: usage.cached,
      outputTokens: usage.output,
    });
  } else if (outcome?.kind === 'stream') {
    status = outcome.status;
    usage = outcome.usage;
    ttfb = outcome.ttfbMs;
    errorCode = outcome.errorCode;
  } else {
    status = ctx.req.signal.aborted ? 'cancelled' : 'error';
    failureBody = toOpenAIError(failure, ctx.requestId);
    httpStatus = failureBody.status;
    errorCode = ctx.req.signal.aborted ? 'client_disconnected' : (failureBody.body.error.code ?? failureBody.body.error.type);
  }

  // ---- meter (journaled before a complete answer goes out), settle, log ----
  const model = trace.model;
  ctx.model ??= model.name;
  ctx.provider ??= model.providerId;
  // A request that got no answer at all (error, or the client left before one) costs nothing.
  const answered = outcome !== null;
  const coldStart = answered && model.isSelfHosted ? gw.thermal.coldStart(model.id, ctx.start) : false;
  meter(
    gw,
    buildUsageEvent(ctx, {
      key,
      tenant,
      snap,
      model,
      requested: plan.requested,
      endpoint: USAGE_ENDPOINT[endpoint],
      usage: { inputTokens: usage.input, cachedInputTokens: usage.cached, outputTokens: usage.output, requests: 1, coldStart },
      free: !answered,
      tokensEstimated: usage.estimated,
      ttfbMs: ttfb,
      status,
      httpStatus,
      errorCode,
      attemptCount: Math.max(1, trace.attempts),
      fallbackFrom: trace.fallbackFrom,
      metadata: {
        ...(coldStart ? { coldStart: true } : {}),
        ...(plan.auto ? { auto: true } : {}),
        ...(stream ? { stream: true } : {}),
        ...(trace.refusals.length ? { refusedBy: trace.refusals.map((r) => r.model.name) } : {}),
      },
    }),
    admission,
  );
  if (outcome?.kind === 'complete') sendComplete(ctx, outcome.body);
  if (answered) admission.settleTokens(usage.input + usage.output);
  else admission.refundTokens();
  meterRefusals(gw, ctx, key, trace, status);
  logRequest(gw, ctx, key, tenant, {
    model: model.name,
    requestBody: body,
    responseBody:
      outcome?.kind === 'complete'
        ? outcome.parsed
        : outcome?.kind === 'stream'
          ? { stream: true, content: outcome.summary.content, finish_reason: outcome.summary.finishReason, status }
          : { error: failureBody?.body.error },
  });
  if (failure !== null) throw failure;
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
