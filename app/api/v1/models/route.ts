/** GET /api/v1/models — OpenAI model list with price-only pricing for the calling tenant. */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handleGatewayRequest;
