/**
 * Stage: finish. The one tail of every paid endpoint, in this order:
 *
 *   usage event (buildUsageEvent) -> meter (journaled, budget reservation settled on the real
 *   price) -> send the complete answer, if there is one to send -> settle or refund the token
 *   limits -> content refusals met on the way -> request log -> rethrow the failure, if any
 *   (the runner answers it).
 *
 * Why the answer waits for the meter: `meter` appends the event to the write-ahead journal before
 * it returns, so a process killed after the client has its answer still finds the event on disk
 * when it restarts (a kill -9 between answer and journal lost an event before chat adopted this
 * order). Streamed answers are on the wire before their usage is known; they are metered as soon
 * as the stream ends.
 */
import type { UsageInput } from '../../pricing/usage';
import type { KeyRecord } from '../auth';
import { toOpenAIError, TranslatedUpstreamError, type MappedError } from '../errors';
import type { UsageStatus } from '../metering/writer';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';
import type { RoutePlan } from '../router';
import type { CatalogSnapshot, TenantConfig } from '../state';
import type { Admission } from './admit';
import { logRequest } from './log';
import { buildUsageEvent, meter, meterRefusals } from './meter';
import type { Trace } from './upstream';
import { sendComplete } from './respond';
import type { CompleteAnswer, StreamedAnswer } from '../upstream/execute';

/** The facts of a request that got no answer (an error, or the client left first). */
export interface FailureFacts {
  status: UsageStatus;
  httpStatus: number;
  errorCode: string | null;
  /** The error as the client is (or would have been) answered, for the request log. */
  mapped: MappedError;
}

/** Status, HTTP status and error code of a failed request, mapped once. */
export function failureFacts(ctx: RequestContext, failure: unknown): FailureFacts {
  const mapped = toOpenAIError(failure, ctx.requestId);
  const aborted = ctx.req.signal.aborted;
  return {
    status: aborted ? 'cancelled' : 'error',
    httpStatus: mapped.status,
    errorCode: aborted ? 'client_disconnected' : (mapped.body.error.code ?? mapped.body.error.type),
    mapped,
  };
}

/** Who asked for what, and what the pipeline decided: the same for every outcome of a request. */
export interface RequestFacts {
  key: KeyRecord;
  tenant: TenantConfig;
  snap: CatalogSnapshot;
  plan: Pick<RoutePlan, 'requested' | 'auto'>;
  trace: Trace;
  /** Null only where nothing was admitted (nothing to settle). */
  admission: Admission | null;
  /** usage_events.endpoint, e.g. "chat.completions", "messages", "images.generations". */
  endpoint: string;
}

/** How the request ended. */
export interface FinishOutcome {
  /** A provider answered (or the cache did). A request with no answer is free and gives its tokens back. */
  answered: boolean;
  usage: UsageInput;
  /** Overrides "free unless unanswered" (cache hits are answered and free). */
  free?: boolean;
  cacheHit?: boolean;
  tokensEstimated?: boolean;
  /** Tokens really used, to settle the per-minute token limits on; without it they are refunded. */
  tokensUsed?: number;
  /** Completions (chat, messages, embeddings): a self-hosted model's cold start is metered (usage and
   * metadata), and the metadata says whether `auto` chose the model and which models refused. */
  completion?: boolean;
  ttfbMs: number | null;
  status: UsageStatus;
  httpStatus: number;
  errorCode: string | null;
  /** Overrides max(1, trace.attempts) (a cache hit made no attempt). */
  attemptCount?: number;
  metadata?: Record<string, unknown>;
  /** Sends the complete answer; called once the usage event is journaled. */
  send?: () => void;
  log: { requestBody: unknown; responseBody: unknown };
  /** The upstream failure, rethrown at the end for the runner (or the endpoint) to answer. */
  failure?: unknown;
}

export type FinishInput = RequestFacts & FinishOutcome;

export function finish(gw: GatewayServices, ctx: RequestContext, facts: RequestFacts, outcome: FinishOutcome): void {
  const f: FinishInput = { ...facts, ...outcome };
  const model = f.trace.model;
  ctx.model ??= model.name;
  ctx.provider ??= model.providerId;
  let usage = f.usage;
  let metadata = f.metadata;
  if (f.completion) {
    const coldStart = f.answered && model.isSelfHosted && gw.thermal.coldStart(model.id, ctx.start);
    if (coldStart) usage = { ...usage, coldStart: true };
    metadata = {
      ...(coldStart ? { coldStart: true } : {}),
      ...(f.plan.auto ? { auto: true } : {}),
      ...metadata,
      ...(f.trace.refusals.length ? { refusedBy: f.trace.refusals.map((r) => r.model.name) } : {}),
    };
  }
  meter(
    gw,
    buildUsageEvent(ctx, {
      key: f.key,
      tenant: f.tenant,
      snap: f.snap,
      model,
      requested: f.plan.requested,
      endpoint: f.endpoint,
      usage,
      free: f.free ?? !f.answered,
      tokensEstimated: f.tokensEstimated,
      cacheHit: f.cacheHit,
      ttfbMs: f.ttfbMs,
      status: f.status,
      httpStatus: f.httpStatus,
      errorCode: f.errorCode,
      attemptCount: f.attemptCount ?? Math.max(1, f.trace.attempts),
      fallbackFrom: f.trace.fallbackFrom,
      metadata,
    }),
    f.admission,
  );
  f.send?.();
  if (f.admission) {
    if (f.answered && f.tokensUsed !== undefined) f.admission.settleTokens(f.tokensUsed);
    else f.admission.refundTokens();
  }
  meterRefusals(gw, ctx, f.key, f.trace, f.status);
  // A provider's own error text goes to the request log under `upstream` (shown to admins; the
  // portal leaves it out, lib/tenants/request-logs.ts): the tenant-facing error is our wording.
  const upstream = f.failure instanceof TranslatedUpstreamError ? f.failure.translated.upstream : undefined;
  const responseBody =
    upstream && f.log.responseBody !== null && typeof f.log.responseBody === 'object' ? { ...f.log.responseBody, upstream } : f.log.responseBody;
  logRequest(gw, ctx, f.key, f.tenant, { model: model.name, requestBody: f.log.requestBody, responseBody });
  if (f.failure !== undefined && f.failure !== null) throw f.failure;
}

/**
 * The finish of a completion (chat, embeddings, messages): a complete answer is sent once metered;
 * a stream has already reached the client; a failure is free and rethrown. `failureShape` gives a
 * failure's HTTP status and logged error where the endpoint answers in another shape (messages
 * answers Anthropic's).
 */
export function completionFinish(
  ctx: RequestContext,
  a: {
    stream: boolean;
    outcome: CompleteAnswer | StreamedAnswer | null;
    failure: unknown;
    requestBody: unknown;
    metadata?: Record<string, unknown>;
    failureShape?: (f: FailureFacts) => { httpStatus: number; error: unknown };
  },
): FinishOutcome {
  const { outcome } = a;
  const base = { completion: true, metadata: { ...(a.stream ? { stream: true } : {}), ...a.metadata } };
  if (outcome === null) {
    const f = failureFacts(ctx, a.failure);
    const shaped = a.failureShape ? a.failureShape(f) : { httpStatus: f.httpStatus, error: f.mapped.body.error };
    return {
      ...base,
      answered: false,
      usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, requests: 1 },
      ttfbMs: null,
      status: f.status,
      httpStatus: shaped.httpStatus,
      errorCode: f.errorCode,
      log: { requestBody: a.requestBody, responseBody: { error: shaped.error } },
      failure: a.failure,
    };
  }
  const u = outcome.usage;
  const common = {
    ...base,
    answered: true,
    usage: { inputTokens: u.input, cachedInputTokens: u.cached, outputTokens: u.output, requests: 1 },
    tokensEstimated: u.estimated,
    tokensUsed: u.input + u.output,
    httpStatus: 200,
  };
  if (outcome.kind === 'complete') {
    return {
      ...common,
      ttfbMs: Date.now() - ctx.start,
      status: 'success',
      errorCode: null,
      send: () => sendComplete(ctx, outcome.body),
      log: { requestBody: a.requestBody, responseBody: outcome.parsed },
    };
  }
  return {
    ...common,
    ttfbMs: outcome.ttfbMs,
    status: outcome.status,
    errorCode: outcome.errorCode,
    log: {
      requestBody: a.requestBody,
      responseBody: { stream: true, content: outcome.summary.content, finish_reason: outcome.summary.finishReason, status: outcome.status },
    },
  };
}
