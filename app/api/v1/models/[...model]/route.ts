/** GET /api/v1/models/{model} — one model (names may contain "/", hence the catch-all). */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handleGatewayRequest;
