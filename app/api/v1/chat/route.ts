/** POST /api/v1/chat — alias of /api/v1/chat/completions. All logic in lib/gateway. */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = handleGatewayRequest;
