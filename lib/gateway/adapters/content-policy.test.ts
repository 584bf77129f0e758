import { describe, expect, it } from 'vitest';
import { isContentPolicyRefusal } from './content-policy';

describe('isContentPolicyRefusal', () => {
  it('OpenAI: error codes, content_filter finish reason, refusal text', () => {
    expect(
      isContentPolicyRefusal(400, { error: { message: 'x', type: 'invalid_request_error', param: null, code: 'content_policy_violation' } }, 'openai'),
    ).toBe(true);
    expect(isContentPolicyRefusal(400, JSON.stringify({ error: { code: 'content_filter', message: 'filtered' } }), 'openai')).toBe(true);
    expect(isContentPolicyRefusal(200, { choices: [{ index: 0, finish_reason: 'content_filter', message: {} }] }, 'openai')).toBe(true);
    expect(isContentPolicyRefusal(200, { choices: [{ index: 0, message: { refusal: "I can't help" }, finish_reason: 'stop' }] }, 'openai')).toBe(true);
    expect(isContentPolicyRefusal(200, { choices: [{ index: 0, message: { content: 'ok', refusal: null }, finish_reason: 'stop' }] }, 'openai')).toBe(false);
    expect(isContentPolicyRefusal(429, { error: { code: 'rate_limit_exceeded', message: 'slow' } }, 'openai')).toBe(false);
  });

  it('Anthropic: refusal stop reason (response and message_delta) and policy errors', () => {
    expect(isContentPolicyRefusal(200, { type: 'message', stop_reason: 'refusal', content: [] }, 'anthropic')).toBe(true);
    expect(isContentPolicyRefusal(200, { type: 'message_delta', delta: { stop_reason: 'refusal' } }, 'anthropic')).toBe(true);
    expect(
      isContentPolicyRefusal(
        400,
        { type: 'error', error: { type: 'invalid_request_error', message: 'Output blocked by content filtering policy' } },
        'anthropic',
      ),
    ).toBe(true);
    expect(
      isContentPolicyRefusal(
        400,
        { type: 'error', error: { type: 'invalid_request_error', message: 'This request would violate our Usage Policy' } },
        'anthropic',
      ),
    ).toBe(true);
    expect(isContentPolicyRefusal(400, { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens too big' } }, 'anthropic')).toBe(false);
    expect(isContentPolicyRefusal(200, { type: 'message', stop_reason: 'end_turn' }, 'anthropic')).toBe(false);
  });

  it('Gemini: blockReason and blocking finish reasons', () => {
    expect(isContentPolicyRefusal(200, { promptFeedback: { blockReason: 'SAFETY' } }, 'gemini')).toBe(true);
    expect(isContentPolicyRefusal(200, { candidates: [{ finishReason: 'PROHIBITED_CONTENT' }] }, 'gemini')).toBe(true);
    expect(isContentPolicyRefusal(200, { candidates: [{ finishReason: 'SAFETY' }] }, 'gemini')).toBe(true);
    expect(isContentPolicyRefusal(200, { candidates: [{ finishReason: 'STOP' }] }, 'gemini')).toBe(false);
    expect(isContentPolicyRefusal(200, { candidates: [{ finishReason: 'MAX_TOKENS' }] }, 'gemini')).toBe(false);
  });

  it('ignores garbage', () => {
    expect(isContentPolicyRefusal(500, '<html>', 'openai')).toBe(false);
    expect(isContentPolicyRefusal(500, null, 'gemini')).toBe(false);
  });
});
