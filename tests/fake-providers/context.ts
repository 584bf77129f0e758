/** A MediaCallContext pointed at a fake provider, for adapter tests. */
import type { MediaCallContext } from '../../lib/gateway/adapters/media';

export function ctxFor(
  baseUrl: string,
  providerModelId: string,
  o: { key?: string | null; timeoutMs?: number; signal?: AbortSignal; label?: string; pollIntervalMs?: number } = {},
): MediaCallContext {
  return {
    ep: { baseUrl, apiKey: o.key === undefined ? 'test-key' : o.key },
    providerModelId,
    providerLabel: o.label ?? 'Fake',
    signal: o.signal ?? new AbortController().signal,
    timeoutMs: o.timeoutMs ?? 5000,
    pollIntervalMs: o.pollIntervalMs ?? 10,
  };
}

/** Runs `fn` and returns the TranslatedUpstreamError (or other error) it throws. */
export async function failure(fn: () => Promise<unknown>): Promise<{
  name: string;
  status: number;
  kind: string;
  retryable: boolean;
  retryAfterMs: number | null;
  body: { error: { message: string; type: string; code: string | null; param: string | null } };
  /** The provider's own error (operators only), when it sent one. */
  upstream?: { provider: string; status: number; type: string | null; message: string };
}> {
  try {
    await fn();
  } catch (err) {
    const e = err as {
      name: string;
      translated?: { status: number; kind: string; retryable: boolean; body: never; upstream?: never };
      retryAfterMs?: number | null;
      httpStatus?: number;
      param?: string;
      message: string;
      code?: string;
    };
    if (e.translated)
      return {
        name: e.name,
        status: e.translated.status,
        kind: e.translated.kind,
        retryable: e.translated.retryable,
        retryAfterMs: e.retryAfterMs ?? null,
        body: e.translated.body,
        upstream: e.translated.upstream,
      };
    return {
      name: e.name,
      status: e.httpStatus ?? 0,
      kind: 'gateway',
      retryable: false,
      retryAfterMs: null,
      body: { error: { message: e.message, type: '', code: e.code ?? null, param: e.param ?? null } },
    };
  }
  throw new Error('expected a failure');
}
