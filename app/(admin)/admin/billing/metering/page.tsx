import { QuarantineView } from '@/components/admin/metering-quarantine';
import { Forbidden } from '@/components/shell/forbidden';
import { listQuarantine, quarantineListSchema } from '@/lib/admin-views/metering';
import { requireAdminPage } from '@/lib/auth/session';
import { hasPermission } from '@/lib/governance/permissions';
import { discardQuarantineAction, replayQuarantineAction } from './actions';

export const metadata = { title: 'Metering quarantine' };

const PAGE_SIZE = 25;

export default async function MeteringQuarantinePage({ searchParams }: { searchParams: Promise<{ status?: string; page?: string }> }) {
  const access = await requireAdminPage('billing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const sp = await searchParams;
  // A hand-edited URL falls back to the first page of open rows rather than an error page.
  const q = quarantineListSchema.safeParse({ status: sp.status, page: sp.page, limit: PAGE_SIZE });
  const data = await listQuarantine(q.success ? q.data : { limit: PAGE_SIZE });
  return (
    <QuarantineView data={data} canAct={hasPermission(access.ctx.role, 'billing.run')} replay={replayQuarantineAction} discard={discardQuarantineAction} />
  );
}
