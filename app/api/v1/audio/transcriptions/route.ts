/** POST /api/v1/audio/transcriptions — OpenAI-compatible transcription (multipart upload, streamed
 * to disk then to the provider). All logic in lib/gateway. */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = handleGatewayRequest;
