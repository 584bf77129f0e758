/** GET/DELETE /api/v1/3d/generations/{id} and GET /api/v1/3d/generations/{id}/content. All logic in lib/gateway (endpoints/jobs.ts). */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handleGatewayRequest;
export const DELETE = handleGatewayRequest;
