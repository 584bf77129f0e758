/**
 * Detects provider content-policy refusals, so the router can record them and fall back to
 * another model. Works on error bodies *and* on successful bodies/stream events, because
 * providers refuse in both ways:
 *
 * - OpenAI: error `code` `content_policy_violation` / `content_filter` (Azure), or a choice
 *   with `finish_reason: "content_filter"`, or a non-empty `message.refusal` (structured
 *   outputs refusal).
 * - Anthropic: `stop_reason: "refusal"` (response or message_delta event), or an error of type
 *   `invalid_request_error` whose message names the usage/content policy.
 * - Gemini: `promptFeedback.blockReason` set (prompt blocked, no candidates) or a candidate
 *   `finishReason` of SAFETY, PROHIBITED_CONTENT, BLOCKLIST, SPII, RECITATION, IMAGE_SAFETY,
 *   IMAGE_PROHIBITED_CONTENT (the reasons we map to OpenAI `content_filter`).
 *
 * `errorBody` may be a parsed object or the raw string.
 */
import { isRecord, parseJsonBody } from './shared';

export type WireFormat = 'openai' | 'anthropic' | 'gemini';

export const GEMINI_BLOCKING_FINISH_REASONS: ReadonlySet<string> = new Set([
  'SAFETY',
  'PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'RECITATION',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
]);

const POLICY_TEXT =
  /content[ _-]?(policy|filter|management)|usage polic|safety (system|polic)|acceptable use|violat\w* (our|the) (usage|content)|output blocked/i;

export function isContentPolicyRefusal(status: number, errorBody: unknown, wireFormat: WireFormat): boolean {
  const body = parseJsonBody(errorBody);
  if (!isRecord(body)) return false;
  switch (wireFormat) {
    case 'openai':
      return openAIRefusal(body);
    case 'anthropic':
      return anthropicRefusal(status, body);
    case 'gemini':
      return geminiRefusal(body);
  }
}

function openAIRefusal(body: Record<string, unknown>): boolean {
  const err = body.error;
  if (isRecord(err)) {
    const code = typeof err.code === 'string' ? err.code : '';
    if (code === 'content_policy_violation' || code === 'content_filter') return true;
    const inner = err.innererror;
    if (isRecord(inner) && inner.code === 'ResponsibleAIPolicyViolation') return true;
    return false;
  }
  const choices = body.choices;
  if (Array.isArray(choices)) {
    for (const c of choices) {
      if (!isRecord(c)) continue;
      if (c.finish_reason === 'content_filter') return true;
      const msg = isRecord(c.message) ? c.message : isRecord(c.delta) ? c.delta : null;
      if (msg && typeof msg.refusal === 'string' && msg.refusal.length > 0) return true;
    }
  }
  return false;
}

function anthropicRefusal(status: number, body: Record<string, unknown>): boolean {
  if (body.stop_reason === 'refusal') return true;
  if (isRecord(body.delta) && body.delta.stop_reason === 'refusal') return true; // message_delta
  const err = body.error;
  if (isRecord(err)) {
    const message = typeof err.message === 'string' ? err.message : '';
    if ((err.type === 'invalid_request_error' || status === 400) && POLICY_TEXT.test(message)) return true;
  }
  return false;
}

function geminiRefusal(body: Record<string, unknown>): boolean {
  const fb = body.promptFeedback;
  if (isRecord(fb) && typeof fb.blockReason === 'string' && fb.blockReason !== 'BLOCK_REASON_UNSPECIFIED') {
    return true;
  }
  const candidates = body.candidates;
  if (Array.isArray(candidates)) {
    for (const c of candidates) {
      if (isRecord(c) && typeof c.finishReason === 'string' && GEMINI_BLOCKING_FINISH_REASONS.has(c.finishReason)) {
        return true;
      }
    }
  }
  const err = body.error;
  if (isRecord(err) && typeof err.message === 'string' && err.status === 'INVALID_ARGUMENT') {
    return POLICY_TEXT.test(err.message);
  }
  return false;
}
