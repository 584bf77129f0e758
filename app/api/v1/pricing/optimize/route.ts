/** POST /api/v1/pricing/optimize — the price optimizer for API clients (price-only answer). */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = handleGatewayRequest;
