/** POST /api/v1/jobs/callbacks/{provider}/{job}?token= — provider task callbacks (Luma, Kling). All logic in lib/gateway. */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = handleGatewayRequest;
