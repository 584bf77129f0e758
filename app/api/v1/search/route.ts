/** POST /api/v1/search — web search (Exa, Tavily) in one request and answer shape. All logic in lib/gateway. */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = handleGatewayRequest;
