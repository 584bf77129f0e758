/** POST/GET /api/v1/3d/generations — create and list 3D generations (jobs). All logic in lib/gateway (endpoints/jobs.ts). */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = handleGatewayRequest;
export const GET = handleGatewayRequest;
