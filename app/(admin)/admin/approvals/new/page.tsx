import Link from 'next/link';
import { ProposeForm } from '@/components/governance/propose-form';
import { Forbidden } from '@/components/shell/forbidden';
import { Card, CardBody } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page';
import { requireAdminPage } from '@/lib/auth/session';
import { EXAMPLE_PAYLOADS } from '@/lib/governance/changes';
import { listExecutors } from '@/lib/governance/executor-registry';
import { hasPermission } from '@/lib/governance/permissions';
import { proposeAction } from '../actions';

export const metadata = { title: 'Propose a change' };
export const dynamic = 'force-dynamic';

export default async function ProposePage() {
  const access = await requireAdminPage('approvals.propose');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const actions = listExecutors()
    .filter((e) => hasPermission(access.ctx.role, e.proposePermission ?? 'approvals.propose'))
    .map((e) => ({
      action: e.action,
      label: e.label ?? e.action,
      type: e.type,
      defaultRisk: e.defaultRisk,
      example: JSON.stringify(EXAMPLE_PAYLOADS[e.action] ?? {}, null, 2),
    }));
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/approvals" className="text-brand-700 underline">
          ← Approvals
        </Link>
      </p>
      <PageHeader title="Propose a change" description="Nothing changes until a different administrator approves it." />
      <Card className="max-w-2xl">
        <CardBody>
          <ProposeForm actions={actions} propose={proposeAction} />
        </CardBody>
      </Card>
    </>
  );
}
