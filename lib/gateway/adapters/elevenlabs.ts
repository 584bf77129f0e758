/**
 * ElevenLabs text-to-speech (provider `elevenlabs`, wire format 'elevenlabs').
 *
 * Reference followed: ElevenLabs API reference ("Stream speech", POST
 * /v1/text-to-speech/{voice_id}/stream) and the official elevenlabs-js SDK. Base URL ends in /v1;
 * auth header `xi-api-key: <ELEVENLABS_API_KEY>`.
 *
 * - POST /text-to-speech/{voice_id}/stream?output_format=<fmt>, JSON { text, model_id,
 *   voice_settings: { stability, similarity_boost, speed } } -> the audio, chunked as it is
 *   generated (streamed on to the client as it arrives).
 * - response_format -> output_format (ElevenLabs' list: mp3_*, pcm_*, ulaw_8000, alaw_8000,
 *   opus_48000_*, and wav_* on the non-streaming endpoint only):
 *     mp3  -> mp3_44100_128 (/stream)
 *     pcm  -> pcm_24000 (/stream; 16-bit little-endian mono at 24 kHz, exactly OpenAI's `pcm`)
 *     opus -> opus_48000_128 (/stream; Opus in Ogg, as OpenAI's `opus`)
 *     wav  -> wav_24000 on POST /text-to-speech/{voice_id} (ElevenLabs writes WAV only whole, so
 *             it is passed on when it arrives rather than chunk by chunk)
 *   aac and flac, which ElevenLabs cannot produce, are refused before any call: an OpenAI-shaped
 *   400 naming `response_format` that lists the four above.
 * - voice: OpenAI's voice names map to ElevenLabs premade voices (alloy Rachel, echo Antoni,
 *   fable Domi, onyx Adam, nova Bella, shimmer Elli); an ElevenLabs voice id (20 letters and
 *   digits) is accepted as is; anything else -> 400 naming `voice`. A voice id ElevenLabs does not
 *   know comes back as its `voice_not_found` error -> 400 naming `voice`.
 * - speed: voice_settings.speed, 0.7-1.2 (ElevenLabs' range).
 * - Errors: { detail: { status, message } } (401 invalid_api_key, 404/400 voice_not_found,
 *   429 too_many_concurrent_requests / system_busy) or FastAPI 422 { detail: [{ loc, msg }] }.
 * Units: input characters (Unicode code points), what ElevenLabs bills.
 */
import {
  bodyText,
  countCharacters,
  genericUpstreamError,
  retryAfterFrom,
  send,
  providerUpstreamError,
  errorMessageOf,
  SPEECH_CONTENT_TYPES,
  type SpeechAdapter,
  type SpeechFormat,
  type SpeechModelSpec,
  type SpeechRequest,
  type SpeechResult,
  type MediaCallContext,
} from './media';
import { isRecord, parseJsonBody } from './shared';

export const ELEVENLABS_VOICES: Record<string, string> = {
  alloy: '21m00Tcm4TlvDq8ikWAM',
  echo: 'ErXwobaYiN019PkySvjV',
  fable: 'AZnzlk1XvdvUeBnXmlld',
  onyx: 'pNInz6obpgDQGcFmaJgB',
  nova: 'EXAVITQu4vr4xnSDxMaL',
  shimmer: 'MF3mGyEYCl7XYWbV9V6O',
};

/** OpenAI response_format -> ElevenLabs output_format, and whether ElevenLabs streams it. */
const OUTPUT_FORMAT: Partial<Record<SpeechFormat, { outputFormat: string; stream: boolean }>> = {
  mp3: { outputFormat: 'mp3_44100_128', stream: true },
  pcm: { outputFormat: 'pcm_24000', stream: true },
  opus: { outputFormat: 'opus_48000_128', stream: true },
  wav: { outputFormat: 'wav_24000', stream: false },
};
const FORMATS = Object.keys(OUTPUT_FORMAT) as SpeechFormat[];

const MAX_CHARS: Record<string, number> = { eleven_multilingual_v2: 10_000, eleven_turbo_v2_5: 40_000 };

function specFor(maxChars: number): SpeechModelSpec {
  return {
    formats: FORMATS,
    maxChars,
    speed: { min: 0.7, max: 1.2 },
    resolveVoice: (v) => ELEVENLABS_VOICES[v] ?? (/^[A-Za-z0-9]{20}$/.test(v) ? v : null),
    voiceNames: [...Object.keys(ELEVENLABS_VOICES), '<an ElevenLabs voice id>'],
  };
}

export const elevenlabsSpeech: SpeechAdapter = {
  spec: (id) => (MAX_CHARS[id] ? specFor(MAX_CHARS[id]) : null),

  async synthesize(req: SpeechRequest, ctx: MediaCallContext): Promise<SpeechResult> {
    const deadline = Date.now() + ctx.timeoutMs;
    const label = ctx.providerLabel;
    // validateSpeechRequest only lets FORMATS through; mp3 is ElevenLabs' own default.
    const fmt = OUTPUT_FORMAT[req.responseFormat] ?? OUTPUT_FORMAT.mp3!;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'audio/*' };
    if (ctx.ep.apiKey) headers['xi-api-key'] = ctx.ep.apiKey;
    const body: Record<string, unknown> = { text: req.input, model_id: ctx.providerModelId };
    if (req.speed !== null) body.voice_settings = { stability: 0.5, similarity_boost: 0.75, speed: req.speed };
    const res = await send(ctx, deadline, {
      url: `${ctx.ep.baseUrl}/text-to-speech/${encodeURIComponent(req.voice)}${fmt.stream ? '/stream' : ''}?output_format=${fmt.outputFormat}`,
      headers,
      body: JSON.stringify(body),
    });
    if (res.status < 200 || res.status >= 300) {
      const text = (await bodyText(ctx, deadline, res, 1024 * 1024).catch(() => Buffer.alloc(0))).toString('utf8');
      const parsed = parseJsonBody(text);
      const status = isRecord(parsed) && isRecord(parsed.detail) ? parsed.detail.status : null;
      if (status === 'voice_not_found') {
        throw providerUpstreamError(
          label,
          400,
          'invalid_request',
          { type: status, message: errorMessageOf(parsed) || `The voice '${req.voice}' does not exist.` },
          retryAfterFrom(res.headers),
          'voice',
        );
      }
      throw genericUpstreamError(label, res.status, text, res.headers);
    }
    return {
      // OpenAI's content type for the format asked for (ElevenLabs labels pcm and opus loosely).
      contentType: SPEECH_CONTENT_TYPES[req.responseFormat],
      body: res.body,
      abort: res.abort,
      units: { characters: countCharacters(req.input) },
    };
  },
};
