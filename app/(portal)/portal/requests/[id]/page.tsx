import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RequestLogDetailView } from '@/components/portal/request-log-detail';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { requireTenantPage } from '@/lib/auth/session';
import { withTenant } from '@/lib/db/tenant';
import { NotFoundError } from '@/lib/errors';
import { getRequestLog } from '@/lib/tenants/request-logs';

export const metadata = { title: 'Request' };

export default async function RequestLogEntryPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await requireTenantPage();
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const { id } = await params;
  const log = await withTenant(access.ctx.tenantId, (tx) => getRequestLog(tx, access.ctx.tenantId, id)).catch((err: unknown) => {
    if (err instanceof NotFoundError) notFound();
    throw err;
  });
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/portal/requests" className="text-brand-700 hover:underline">
          ← Request log
        </Link>
      </p>
      <PageHeader title={`Request to ${log.model}`} description={log.requestId} />
      <RequestLogDetailView log={log} />
    </>
  );
}
