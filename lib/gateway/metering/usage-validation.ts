/**
 * Usage as a provider reports it is checked where it is read (lib/gateway/upstream/execute.ts):
 * every count a non-negative integer within int4, cached input <= input, reasoning <= output.
 * An impossible object is NOT billed as sent and never reaches the metering writer: the caller
 * counts the request itself (tokenizer, `tokens_estimated`), and the problem is reported once per
 * answer in the log, in `radiant_usage_invalid_total{provider}` and as an admin notice
 * (`metering.usage_invalid`, deduplicated per provider and model for an hour).
 * docs/gateway.md, "Metering".
 */
import type { Usage } from '../adapters/openai-types';
import { notifyInBackground } from '../../notifications/notifier';
import { gatewayLog } from '../log';
import { recordUsageInvalid } from './metrics';

/** The counts one request is billed by (input includes cached input). */
export interface ValidUsage {
  input: number;
  cached: number;
  output: number;
  estimated: false;
}

export interface UsageSource {
  providerId: string;
  /** Our model id (or name) for the notice. */
  modelId: string;
  requestId?: string;
}

/** int4: the ledger's token columns. */
const MAX_COUNT = 2_147_483_647;

function checkCount(name: string, v: unknown, problems: string[]): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_COUNT) {
    problems.push(`${name} is not a non-negative integer (${typeof v === 'number' ? String(v) : typeof v})`);
    return 0;
  }
  return v;
}

/** Pure check: the problems of a usage object ([] when it is possible). */
export function usageProblems(u: Usage): string[] {
  const problems: string[] = [];
  const input = checkCount('prompt_tokens', u.prompt_tokens, problems);
  const output = checkCount('completion_tokens', u.completion_tokens, problems);
  checkCount('total_tokens', u.total_tokens, problems);
  const cached = checkCount('cached_tokens', u.prompt_tokens_details?.cached_tokens, problems);
  const cacheWrite = checkCount('cache_write_tokens', u.prompt_tokens_details?.cache_write_tokens, problems);
  const reasoning = checkCount('reasoning_tokens', u.completion_tokens_details?.reasoning_tokens, problems);
  if (cached > input) problems.push(`cached_tokens (${cached}) > prompt_tokens (${input})`);
  if (cached + cacheWrite > input) {
    if (cached <= input) problems.push(`cached_tokens + cache_write_tokens (${cached + cacheWrite}) > prompt_tokens (${input})`);
  }
  if (reasoning > output) problems.push(`reasoning_tokens (${reasoning}) > completion_tokens (${output})`);
  return problems;
}

/**
 * The provider's usage when it is possible, else null (the caller then counts with the
 * tokenizer). Never throws: whatever the provider sent, metering gets numbers it can write.
 */
export function validateUsage(u: Usage | null | undefined, src: UsageSource): ValidUsage | null {
  if (!u) return null;
  let problems: string[];
  try {
    problems = usageProblems(u);
  } catch (err) {
    problems = [`unreadable usage (${String(err).slice(0, 100)})`];
  }
  if (problems.length === 0) {
    return { input: u.prompt_tokens, cached: u.prompt_tokens_details?.cached_tokens ?? 0, output: u.completion_tokens, estimated: false };
  }
  reportInvalidUsage(src, problems);
  return null;
}

/** Last notice per provider+model in this process: the notifier deduplicates across instances
 * (an hour), this keeps a flood of bad answers from costing a database round trip each. */
const lastNotice = new Map<string, number>();
const NOTICE_EVERY_MS = 60_000;

function reportInvalidUsage(src: UsageSource, problems: string[]): void {
  const text = problems.join('; ').slice(0, 1000);
  try {
    gatewayLog.warn(
      { provider: src.providerId, model: src.modelId, requestId: src.requestId, problems: text },
      'provider usage impossible; billed from our own token count',
    );
    recordUsageInvalid(src.providerId);
    const key = `${src.providerId}\u0001${src.modelId}`;
    const now = Date.now();
    if (now - (lastNotice.get(key) ?? 0) < NOTICE_EVERY_MS) return;
    if (lastNotice.size > 1000) lastNotice.clear();
    lastNotice.set(key, now);
    notifyInBackground('metering.usage_invalid', { providerId: src.providerId.slice(0, 50), modelId: src.modelId.slice(0, 100), problems: text });
  } catch {
    /* reporting must never break metering */
  }
}
