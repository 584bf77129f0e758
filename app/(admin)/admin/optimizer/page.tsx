import { OptimizerPlayground } from '@/components/admin/optimizer-playground';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { getOptimizerOptions } from '@/lib/admin-views/optimizer';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { runOptimizerAction } from './actions';

export const metadata = { title: 'Price optimizer' };

export default async function OptimizerPage() {
  const access = await requireAdminPage('pricing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const options = await withPlatform((tx) => getOptimizerOptions(tx));
  return (
    <>
      <PageHeader
        title="Price optimizer playground"
        description='What "model: auto" would pick for a request: candidates ranked by price (what the customer pays), with our cost and margin alongside.'
      />
      <OptimizerPlayground options={options} run={runOptimizerAction} />
    </>
  );
}
