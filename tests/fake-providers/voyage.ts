/**
 * Fake Voyage AI embeddings API (https://docs.voyageai.com/reference/embeddings-api):
 * POST /v1/embeddings with `Authorization: Bearer <key>`; the only accepted key is `key`
 * (default 'test-voyage-key'); others get Voyage's 401 `{"detail": "Provided API key is invalid."}`.
 * Validates like Voyage (model, input as a string or up to 1,000 strings, input_type,
 * output_dimension per model, output_dtype) with `{"detail": ...}` 400s. Embeddings are
 * deterministic per text (unit vectors); usage.total_tokens = sum of ceil(chars / 4) per text.
 * Failures: `setBehavior` (json-fake.ts).
 */
import { bearer, seeded, startJsonFake, type FakeAnswer, type JsonFake } from './json-fake';

/** Output dimensions per model: [default, ...allowed]. */
export const VOYAGE_MODELS: Record<string, number[]> = {
  'voyage-3': [1024],
  'voyage-3-lite': [512],
  'voyage-3-large': [1024, 256, 512, 2048],
  'voyage-3.5': [1024, 256, 512, 2048],
  'voyage-code-3': [1024, 256, 512, 2048],
};

export interface FakeVoyage extends JsonFake {
  baseUrl: string;
}

export const voyageTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export function voyageEmbedding(text: string, dims: number): number[] {
  const rnd = seeded(text);
  const v = Array.from({ length: dims }, () => rnd() * 2 - 1);
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => Math.fround(x / norm));
}

const err = (status: number, detail: string): FakeAnswer => ({ status, body: { detail } });

function embeddings(body: unknown): FakeAnswer {
  if (!body || typeof body !== 'object') return err(400, 'Request body is missing or is not a JSON object.');
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string') return err(400, "Field 'model' is required.");
  const dims = VOYAGE_MODELS[b.model];
  if (!dims) return err(400, `Model ${b.model} is not supported. Supported models are ${Object.keys(VOYAGE_MODELS).join(', ')}.`);
  const inputs = typeof b.input === 'string' ? [b.input] : b.input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((x) => typeof x === 'string')) {
    return err(400, "Field 'input' must be a string or a non-empty list of strings.");
  }
  if (inputs.length > 1000) return err(400, 'The batch size limit is 1000. Your batch size is ' + inputs.length + '.');
  if (b.input_type !== undefined && b.input_type !== null && b.input_type !== 'query' && b.input_type !== 'document') {
    return err(400, "Value 'input_type' must be one of None, 'query', 'document'.");
  }
  let dim = dims[0]!;
  if (b.output_dimension !== undefined && b.output_dimension !== null) {
    if (typeof b.output_dimension !== 'number' || !dims.includes(b.output_dimension)) {
      return err(400, `Value ${String(b.output_dimension)} is not a valid output_dimension for model ${b.model}. Supported values: ${dims.join(', ')}.`);
    }
    dim = b.output_dimension;
  }
  if (b.output_dtype !== undefined && !['float', 'int8', 'uint8', 'binary', 'ubinary'].includes(String(b.output_dtype))) {
    return err(400, `Value '${String(b.output_dtype)}' is not a valid output_dtype.`);
  }
  let total = 0;
  const data = (inputs as string[]).map((text, index) => {
    total += voyageTokens(text);
    return { object: 'embedding', embedding: voyageEmbedding(text, dim), index };
  });
  return { status: 200, body: { object: 'list', data, model: b.model, usage: { total_tokens: total } } };
}

export async function startFakeVoyage(opts: { key?: string } = {}): Promise<FakeVoyage> {
  const key = opts.key ?? 'test-voyage-key';
  const fake = await startJsonFake({
    routes: { 'POST /v1/embeddings': embeddings },
    auth: (req) => (bearer(req) === key ? null : err(401, 'Provided API key is invalid.')),
    errorBody: (_status, message) => ({ detail: message }),
  });
  return Object.assign(fake, { baseUrl: `${fake.url}/v1` });
}
