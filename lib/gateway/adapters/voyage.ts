/**
 * Voyage AI embeddings behind OpenAI's embeddings API.
 *
 * Wire format (Voyage's API reference, https://docs.voyageai.com/reference/embeddings-api):
 * - POST {base}/embeddings (base https://api.voyageai.com/v1), `Authorization: Bearer <key>`.
 *   Body { input: string | string[] (<= 1,000 texts), model, input_type?: null | 'query' |
 *   'document', truncation?: boolean (default true), output_dimension?: 256 | 512 | 1024 | 2048
 *   (model-dependent), output_dtype?: 'float' | 'int8' | 'uint8' | 'binary' | 'ubinary',
 *   encoding_format?: null | 'base64' }.
 * - Answer { object: 'list', data: [{ object: 'embedding', embedding: number[], index }], model,
 *   usage: { total_tokens } }.
 * - Errors: FastAPI-style `{ "detail": "<message>" }` with 400 (bad input), 401 (bad key),
 *   403, 429 (rate limit), 500 / 502 / 503 / 504.
 *
 * Mapping from OpenAI's request: `input` (strings only; token-id arrays are OpenAI-specific ->
 * 400), `dimensions` -> `output_dimension`; Voyage's own `input_type`, `truncation` and
 * `output_dtype` are accepted as extra fields of the OpenAI request and passed on; `user` is
 * dropped. Floats are always asked for; `encoding_format: "base64"` (what the openai SDK sends by
 * default) is produced here from the floats as little-endian float32, exactly like OpenAI, so the
 * SDK decodes it unchanged. usage.total_tokens -> prompt_tokens = total_tokens.
 */
import type { EmbeddingRequest, EmbeddingResponse, Usage } from './openai-types';
import { invalidAnswer, postJson } from './json-upstream';
import { UnsupportedFeatureError, providerError, isRecord, kindForStatus, parseJsonBody, type TranslatedError } from './shared';

export interface VoyageEmbeddingsRequest {
  input: string | string[];
  model: string;
  input_type?: 'query' | 'document' | null;
  truncation?: boolean;
  output_dimension?: number;
  output_dtype?: string;
}

export function toVoyageRequest(req: EmbeddingRequest, providerModelId: string): VoyageEmbeddingsRequest {
  const input = req.input;
  if (typeof input !== 'string' && !(Array.isArray(input) && input.every((x) => typeof x === 'string'))) {
    throw new UnsupportedFeatureError('input must be a string or an array of strings for this model (token arrays are not supported)', 'input');
  }
  const out: VoyageEmbeddingsRequest = { input: input as string | string[], model: providerModelId };
  const extra = req as Record<string, unknown>;
  if (extra.input_type !== undefined) {
    if (extra.input_type !== null && extra.input_type !== 'query' && extra.input_type !== 'document') {
      throw new UnsupportedFeatureError('input_type must be "query", "document" or null', 'input_type', 'invalid_value');
    }
    out.input_type = extra.input_type;
  }
  if (typeof extra.truncation === 'boolean') out.truncation = extra.truncation;
  if (req.dimensions !== undefined) out.output_dimension = req.dimensions;
  if (typeof extra.output_dtype === 'string') out.output_dtype = extra.output_dtype;
  return out;
}

export function voyageHeaders(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}` };
}

/** float32 little-endian bytes, base64: OpenAI's `encoding_format: "base64"`. */
export function floatsToBase64(v: number[]): string {
  const buf = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i]!, i * 4);
  return buf.toString('base64');
}

export interface VoyageAnswer {
  body: EmbeddingResponse;
  usage: Usage;
}

/** Voyage's answer -> OpenAI's embeddings answer (model = the catalog name the client sent). */
export function fromVoyageResponse(res: unknown, clientModel: string, encoding: 'float' | 'base64' = 'float'): VoyageAnswer | null {
  if (!isRecord(res) || !Array.isArray(res.data)) return null;
  const data: EmbeddingResponse['data'] = [];
  for (const [i, d] of (res.data as unknown[]).entries()) {
    if (!isRecord(d) || !Array.isArray(d.embedding)) return null;
    const vec = d.embedding as number[];
    data.push({ object: 'embedding', index: typeof d.index === 'number' ? d.index : i, embedding: encoding === 'base64' ? floatsToBase64(vec) : vec });
  }
  data.sort((a, b) => a.index - b.index);
  const total = isRecord(res.usage) && typeof res.usage.total_tokens === 'number' ? res.usage.total_tokens : 0;
  const usage: Usage = { prompt_tokens: total, completion_tokens: 0, total_tokens: total };
  return { body: { object: 'list', data, model: clientModel, usage: { prompt_tokens: total, total_tokens: total } }, usage };
}

/** `{ detail: string | [...] }` (FastAPI) or any body -> OpenAI-shaped error. */
export function fromVoyageError(status: number, body: unknown): TranslatedError {
  const parsed = parseJsonBody(body);
  let message = '';
  if (isRecord(parsed)) {
    const d = parsed.detail;
    if (typeof d === 'string') message = d;
    else if (Array.isArray(d))
      message = d
        .map((x) => (isRecord(x) && typeof x.msg === 'string' ? x.msg : ''))
        .filter(Boolean)
        .join('; ');
    else if (typeof parsed.message === 'string') message = parsed.message;
  }
  return providerError(status, kindForStatus(status), { message }, 'Voyage AI');
}

export interface VoyageCall {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One embeddings call to Voyage; throws TranslatedUpstreamError on any failure. */
export async function callVoyageEmbeddings(c: VoyageCall, req: EmbeddingRequest, providerModelId: string, clientModel: string): Promise<VoyageAnswer> {
  const body = toVoyageRequest(req, providerModelId);
  const res = await postJson({
    url: `${c.baseUrl}/embeddings`,
    headers: voyageHeaders(c.apiKey),
    body,
    timeoutMs: c.timeoutMs,
    signal: c.signal,
    providerLabel: 'Voyage AI',
    translateError: fromVoyageError,
  });
  const out = fromVoyageResponse(res.json, clientModel, req.encoding_format === 'base64' ? 'base64' : 'float');
  if (!out) throw invalidAnswer('Voyage AI');
  return out;
}
