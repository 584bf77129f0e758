import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RequestLogDetailView } from '@/components/portal/request-log-detail';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { NotFoundError } from '@/lib/errors';
import { getRequestLog } from '@/lib/tenants/request-logs';

export const metadata = { title: 'Request' };

export default async function AdminRequestLogEntryPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await requireAdminPage('request_logs.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const { id } = await params;
  const log = await withPlatform((tx) => getRequestLog(tx, null, id)).catch((err: unknown) => {
    if (err instanceof NotFoundError) notFound();
    throw err;
  });
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/requests" className="text-brand-700 hover:underline">
          ← Request logs
        </Link>
      </p>
      <PageHeader title={`Request to ${log.model}`} description={`${log.tenantName ?? log.tenantId} · ${log.requestId}`} />
      <RequestLogDetailView log={log} showTenant />
    </>
  );
}
