import Link from 'next/link';
import { Forbidden } from '@/components/shell/forbidden';
import { JobsTable } from '@/components/portal/jobs-view';
import { PageHeader } from '@/components/ui/page';
import { requireTenantPage } from '@/lib/auth/session';
import { withTenant } from '@/lib/db/tenant';
import { portalJobsPage } from '@/lib/gateway/jobs/views';

export const metadata = { title: 'Video & 3D jobs' };

export default async function PortalJobsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireTenantPage();
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const raw = (await searchParams).page;
  const page = Number(Array.isArray(raw) ? raw[0] : raw) || 1;
  const data = await withTenant(access.ctx.tenantId, (tx) => portalJobsPage(tx, access.ctx.tenantId, page));
  return (
    <>
      <PageHeader
        title="Video & 3D jobs"
        description={
          <>
            Generations created through <code>/api/v1/videos</code> and <code>/api/v1/3d/generations</code>: status, progress, price and results. Running jobs
            show the most they can be charged (held against your budget).{' '}
            <Link className="underline" href="/portal/webhooks">
              Webhooks
            </Link>{' '}
            tell your systems when a job ends.
          </>
        }
      />
      <JobsTable rows={data.rows} page={data.page} pages={data.pages} total={data.total} />
    </>
  );
}
