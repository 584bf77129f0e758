/** GET /portal/jobs/{id}/content[?variant=preview] — a job's result for the signed-in tenant. */
import { requireTenantUserFromRequest } from '@/lib/auth/session';
import { getGateway } from '@/lib/gateway';
import { jobsRuntimeFor } from '@/lib/gateway/jobs/service';
import { jobContent } from '@/lib/gateway/jobs/store';
import { isAppError } from '@/lib/errors';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  let ctx;
  try {
    ctx = await requireTenantUserFromRequest(req);
  } catch {
    return new Response('Sign in first.', { status: 401 });
  }
  const { id } = await params;
  const variant = new URL(req.url).searchParams.get('variant') === 'preview' ? 'preview' : 'default';
  try {
    const gw = getGateway();
    await gw.ready();
    const c = await jobContent(jobsRuntimeFor(gw), ctx.tenantId, id, variant);
    const ext = c.file.key.split('.').pop() ?? 'bin';
    return new Response(Buffer.from(c.body), {
      headers: {
        'content-type': c.contentType,
        'cache-control': 'private, no-store',
        'content-disposition': `${variant === 'preview' ? 'inline' : 'attachment'}; filename="${id}-${c.file.role}.${ext}"`,
      },
    });
  } catch (err) {
    if (isAppError(err) && (err.httpStatus === 404 || err.httpStatus === 409)) return new Response(err.message, { status: err.httpStatus });
    throw err;
  }
}
