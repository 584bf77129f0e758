/** GET /api/v1/images/files/{id} — an image RADIANT stored for a `url` answer (owning tenant's key
 * only, expires after an hour). All logic in lib/gateway. */
import { handleGatewayRequest } from '@/lib/gateway';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handleGatewayRequest;
