/** POST /api/v1/audio/speech — OpenAI-compatible text-to-speech, streamed. All logic in lib/gateway. */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = handleGatewayRequest;
