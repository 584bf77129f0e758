/** POST /api/v1/chat/completions — OpenAI-compatible chat (streaming too). All logic in lib/gateway. */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = handleGatewayRequest;
