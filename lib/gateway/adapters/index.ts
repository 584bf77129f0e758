/**
 * Provider wire-format adapters: OpenAI types and schemas, Anthropic and Gemini translation,
 * SSE parsing/encoding, content-policy detection, OpenAI pass-through helpers.
 * Framework-free (no Next.js, no database): safe to use from route handlers and the plain Node
 * gateway server alike.
 */
export * from './openai-types';
export * from './shared';
export * from './sse';
export * from './anthropic';
export * from './gemini';
export * from './content-policy';
export * from './openai-passthrough';
