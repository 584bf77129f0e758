/** POST /api/v1/messages — Anthropic's Messages API for every chat model. All logic in lib/gateway. */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = handleGatewayRequest;
